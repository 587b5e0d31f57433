// Deploy-time check that a target Redis can store JSON documents: jobs with json outputs (or
// nest) need the RedisJSON module, which plain Redis lacks. Fails with a clear, coded error.

import type { Redis } from 'ioredis';
import { SluiceError } from '../../common/errors.ts';
import type { CompiledJob } from './compile-job.ts';

/** Connections that some job writes JSON to. */
export function connectionsNeedingJson(jobs: readonly CompiledJob[]): Set<string> {
  const names = new Set<string>();
  for (const job of jobs) {
    for (const output of job.outputs) if (output.dataType === 'json') names.add(output.connection);
  }
  return names;
}

/** Throws TARGET_JSON_MODULE_MISSING unless `redis` has RedisJSON loaded. */
export async function checkJsonModule(redis: Redis, connection = 'target'): Promise<void> {
  const reply = (await redis.call('COMMAND', 'INFO', 'JSON.SET')) as unknown[];
  if (Array.isArray(reply) && reply[0]) return;
  throw new SluiceError(
    'TARGET_JSON_MODULE_MISSING',
    `The target '${connection}' has no RedisJSON module, but a job writes JSON documents to it.`,
    {
      hint: 'use Redis 8 or Redis Stack (or load the RedisJSON module), or change the job to data_type hash',
    },
  );
}
