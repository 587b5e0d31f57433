// The loader against a real RDI database: a new revision is prepared in a new working folder
// once the children are down and the old folder is removed; release() removes the last one.
import { readdir } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis } from '../../harness/redis.ts';
import { useTestContext } from '../../harness/test-context.ts';
import { savePipeline } from '../store/pipeline-store.ts';
import type { PipelineChildren } from './pipeline-children.ts';
import { PipelineLoader } from './pipeline-loader.ts';

const ctx = useTestContext();
let rdi: Redis;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const CONFIG = `sources:
  shop:
    type: cdc
    connection: {type: postgresql, host: 127.0.0.1, port: 5432, database: shop, user: u, password: p}
targets:
  target:
    connection: {type: redis, host: 127.0.0.1, port: 6379}
`;

beforeAll(async () => {
  const server = await startRedis({ dir: `${ctx.dir}/rdi`, registry: ctx.registry });
  rdi = new Redis(server.url);
});
afterAll(async () => {
  await rdi.quit();
});

/** Children that are down, as after stop(): the loader may replace the pipeline. */
const downChildren = { down: true, stop: () => undefined } as unknown as PipelineChildren;

describe('PipelineLoader', () => {
  it('keeps one working folder per running revision', async () => {
    const workDir = `${ctx.dir}/work`;
    const loader = new PipelineLoader({
      rdi,
      name: 'default',
      workDir,
      clock: { now: () => Date.now() },
      logger: silent,
    });
    await savePipeline(rdi, 'default', { config: CONFIG, jobs: {} }, { mode: 'create', now: 1 });
    await loader.refresh(downChildren);
    const first = loader.prepared?.dir;
    expect(loader.prepared?.revision).toBe(1);
    expect(await readdir(workDir)).toHaveLength(1);

    await savePipeline(rdi, 'default', { config: CONFIG, jobs: {} }, { mode: 'replace', now: 2 });
    await loader.refresh(downChildren);
    expect(loader.prepared?.revision).toBe(2);
    expect(loader.prepared?.dir).not.toBe(first);
    expect(await readdir(workDir)).toEqual([loader.prepared?.dir.split('/').pop()]);

    await loader.release();
    expect(loader.prepared).toBeUndefined();
    expect(await readdir(workDir)).toEqual([]);
  });
});
