// Fresh servers for one measurement: an RDI database (maxmemory, noeviction, as the processor
// requires; no AOF, so that disk writes and AOF rewrites of the preload stay out of the
// timings) and a target Redis, both on free ports in their own folders via the e2e harness.
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { ProcessRegistry } from '../harness/process-registry.ts';
import { startRedis, type RedisInstance } from '../harness/redis.ts';

export interface BenchServers {
  readonly rdi: RedisInstance;
  readonly target: RedisInstance;
  readonly rdiClient: Redis;
  readonly targetClient: Redis;
  close(): Promise<void>;
}

export async function startBenchServers(
  dir: string,
  registry: ProcessRegistry,
): Promise<BenchServers> {
  const [rdi, target] = await Promise.all([
    startRedis({ dir: join(dir, 'rdi-redis'), registry, maxmemory: '6gb', policy: 'noeviction' }),
    startRedis({ dir: join(dir, 'target-redis'), registry }),
  ]);
  const rdiClient = new Redis(rdi.url);
  const targetClient = new Redis(target.url);
  return {
    rdi,
    target,
    rdiClient,
    targetClient,
    close: async () => {
      await Promise.all([rdiClient.quit(), targetClient.quit()]);
    },
  };
}
