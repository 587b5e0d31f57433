// Carries out one reset request (a new `reset_generation` in the control hash) once both
// children are stopped: connects to the pipeline's target, resets (reset-pipeline.ts) and
// records the generation as done, so that neither this operator nor a new leader repeats it.

import { Redis } from 'ioredis';
import { pipelineControlKey } from '../../pipeline/redis-keys.ts';
import type { Logger } from '../../processor/ports.ts';
import type { PreparedPipeline } from './pipeline-workspace.ts';
import { resetPipeline, type ResetSummary } from './reset-pipeline.ts';
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
  const connection = pipeline.config.targets.target?.connection;
  const target = new Redis({
    host: connection?.host ?? '127.0.0.1',
    port: connection?.port ?? 6379,
    ...(connection?.user === undefined ? {} : { username: connection.user }),
    ...(connection?.password === undefined ? {} : { password: connection.password }),
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  // A target that is down fails the reset (retried next tick), not the operator.
  target.on('error', () => undefined);
  try {
    await target.connect();
    const dropTargetKeys =
      (await rdi.hget(pipelineControlKey(name), RESET_TARGET_KEYS_FIELD)) === 'true';
    const summary = await resetPipeline({ rdi, target, pipeline, dropTargetKeys, logger });
    await recordResetDone(rdi, name, opts.generation);
    return summary;
  } finally {
    await target.quit().catch(() => undefined);
  }
}
