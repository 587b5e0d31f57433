// Carries out one reset request (a new `reset_generation` in the control hash) once both
// children are stopped: connects to every target of the pipeline, resets (reset-pipeline.ts) and
// records the generation as done, so that neither this operator nor a new leader repeats it.

import type { Redis } from 'ioredis';
import { pipelineControlKey } from '../../pipeline/redis-keys.ts';
import type { Logger } from '../../processor/ports.ts';
import type { PreparedPipeline } from './pipeline-workspace.ts';
import { resetPipeline, type ResetSummary } from './reset-pipeline.ts';
import { connectResetTargets } from './reset-targets.ts';
import { recordResetDone } from './status-report.ts';
import { RESET_TARGET_KEYS_FIELD } from '../store/control-store.ts';

export async function resetGeneration(opts: {
  rdi: Redis;
  name: string;
  pipeline: PreparedPipeline;
  generation: number;
  logger: Logger;
}): Promise<ResetSummary> {
  const { rdi, name, pipeline, logger } = opts;
  const { targets, close } = await connectResetTargets(pipeline.config.targets);
  try {
    const dropTargetKeys =
      (await rdi.hget(pipelineControlKey(name), RESET_TARGET_KEYS_FIELD)) === 'true';
    const summary = await resetPipeline({ rdi, targets, pipeline, dropTargetKeys, logger });
    await recordResetDone(rdi, name, opts.generation);
    return summary;
  } finally {
    await close();
  }
}
