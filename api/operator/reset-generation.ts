// Carries out one reset request (a new `reset_generation` in the control hash) once both
// children are stopped: connects to every target of the pipeline, resets (reset-pipeline.ts) and
// records the generation as done, so that neither this operator nor a new leader repeats it.

import type { Redis } from 'ioredis';
import type { Logger } from '../../processor/ports.ts';
import type { PreparedPipeline } from './pipeline-workspace.ts';
import { resetPipeline, type ResetSummary } from './reset-pipeline.ts';
import { connectResetTargets } from './reset-targets.ts';
import { recordResetDone } from './status-report.ts';

export async function resetGeneration(opts: {
  rdi: Redis;
  name: string;
  pipeline: PreparedPipeline;
  generation: number;
  /** The request's choice (control hash `reset_target_keys`), read with its generation. */
  dropTargetKeys: boolean;
  logger: Logger;
}): Promise<ResetSummary> {
  const { rdi, name, pipeline, dropTargetKeys, logger } = opts;
  const { targets, close } = await connectResetTargets(pipeline.config.targets);
  try {
    const summary = await resetPipeline({ rdi, targets, pipeline, dropTargetKeys, logger });
    await recordResetDone(rdi, name, opts.generation);
    return summary;
  } finally {
    await close();
  }
}
