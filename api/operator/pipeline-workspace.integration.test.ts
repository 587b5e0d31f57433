// A pipeline stored in the RDI database with names the api would refuse (written by an older
// api or by hand) cannot make the operator write outside its work folder: nothing is created.
import { mkdir, readdir } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis } from '../../harness/redis.ts';
import { useTestContext } from '../../harness/test-context.ts';
import { isSluiceError } from '../../common/errors.ts';
import { savePipeline } from '../store/pipeline-store.ts';
import { preparePipeline } from './pipeline-workspace.ts';

const ctx = useTestContext();
let rdi: Redis;
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

async function refusal(name: string, jobs: Record<string, string>): Promise<unknown> {
  await savePipeline(rdi, name, { config: CONFIG, jobs }, { mode: 'upsert', now: 1 });
  try {
    await preparePipeline({ rdi, name, parentDir: `${ctx.dir}/base/work` });
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('preparePipeline', () => {
  it.each([
    ['a job name that climbs out', 'default', { '../../../escaped': 'source: {table: t}\n' }],
    ['a job name with a NUL', 'default', { 'x\u0000y': 'source: {table: t}\n' }],
    ['a pipeline name that climbs out', '../../escaped', {}],
  ])('refuses %s and creates nothing', async (_what, name, jobs) => {
    await mkdir(`${ctx.dir}/base/work`, { recursive: true });
    const error = await refusal(name, jobs);
    expect(isSluiceError(error)).toBe(true);
    expect(await readdir(`${ctx.dir}/base/work`)).toEqual([]);
    expect(await readdir(`${ctx.dir}/base`)).toEqual(['work']);
  });
});
