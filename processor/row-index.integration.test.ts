// The row index in apply-batch.lua against a real Redis: an update that moves a key or a member
// without a `before` row, a delete of a computed key from the key alone, a nested entry moving
// to another parent, a truncate, a replayed batch, and the index kept in the same atomic step.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withRedisJson } from '../harness/redis-json-module.ts';
import { startRedis } from '../harness/redis.ts';
import { useTestContext } from '../harness/test-context.ts';
import { CHECKPOINT_KEY } from '../pipeline/redis-keys.ts';
import { applyBatch } from './apply-batch.ts';
import { rowIndexKey } from './core/row-index.ts';
import { TargetSet } from './target-set.ts';
import { standaloneWriter } from './target-writer.ts';
import type { WriteOp } from './core/write-plan.ts';

const ctx = useTestContext();
let redis: Redis;

beforeAll(async () => {
  const server = await startRedis({
    dir: `${ctx.dir}/target`,
    registry: ctx.registry,
    ...withRedisJson(),
  });
  redis = new Redis(server.url);
});
afterAll(async () => {
  await redis.quit();
});
beforeEach(async () => {
  await redis.flushall();
});

const stream = 'data:shop.public.customers';
const index = rowIndexKey(stream);
const row = (id: number) => JSON.stringify({ id: String(id) });
const at = (id: number, deleted = false): WriteOp => ({
  kind: 'row-index',
  key: index,
  row: row(id),
  deleted,
});
const hash = (key: string, email: string): WriteOp => ({
  kind: 'hash',
  key,
  fields: [['email', email]],
  keep: [],
});

let next = 1;
/** Applies records (each a list of ops) as one batch with fresh entry ids. */
async function apply(...records: WriteOp[][]) {
  const ops: WriteOp[] = [];
  const opEntryIds: string[] = [];
  const firstId = `${next}-0`;
  for (const record of records) {
    for (const op of record) {
      ops.push(op);
      opEntryIds.push(`${next}-0`);
    }
    next += 1;
  }
  return applyBatch(redis, {
    stream,
    firstId,
    lastId: `${next - 1}-0`,
    epoch: 0,
    ops,
    opEntryIds,
  });
}

const keys = async () => (await redis.keys('*')).sort();

describe('apply-batch.lua: row index', () => {
  it('removes the old computed key of an update that carries no before row', async () => {
    await apply([at(1), hash('customer:a@x', 'a@x')], [at(2), hash('customer:b@x', 'b@x')]);
    expect(await redis.hget(index, row(1))).toBe('[["k","customer:a@x"]]');
    await apply([at(1), hash('customer:c@x', 'c@x')]);
    expect(await keys()).toEqual(['customer:b@x', 'customer:c@x', CHECKPOINT_KEY, index].sort());
    expect(await redis.hget(index, row(1))).toBe('[["k","customer:c@x"]]');
  });

  it('behaves as before when the before row gave the moved op too', async () => {
    await apply([at(1), hash('customer:a@x', 'a@x')]);
    await apply([at(1), { kind: 'del', key: 'customer:a@x' }, hash('customer:c@x', 'c@x')]);
    expect(await redis.exists('customer:a@x')).toBe(0);
    expect(await redis.hgetall('customer:c@x')).toEqual({ email: 'c@x' });
  });

  it('removes what a row placed on a delete that carries only its key', async () => {
    await apply(
      [at(1), hash('customer:a@x', 'a@x'), { kind: 'sadd', key: 'emails', member: 'a@x' }],
      [at(2), hash('customer:b@x', 'b@x'), { kind: 'sadd', key: 'emails', member: 'b@x' }],
    );
    await apply([at(1, true)]);
    expect(await redis.exists('customer:a@x')).toBe(0);
    expect(await redis.smembers('emails')).toEqual(['b@x']);
    expect(await redis.hkeys(index)).toEqual([row(2)]);
    await apply([at(2, true)]);
    expect(await keys()).toEqual([CHECKPOINT_KEY]);
  });

  it('applies removals planned from a before row only to rows the index does not know', async () => {
    await apply([at(1), hash('customer:a@x', 'a@x')]);
    // Written before the table was indexed: the index does not know row 2.
    await redis.hset('customer:old@x', 'email', 'old@x');
    await redis.hset('customer:', 'email', 'someone with an empty email');
    await apply(
      // A before row with defaults only names 'customer:': the index knows better.
      [at(1, true), { kind: 'del', key: 'customer:', unlessIndexed: true }],
      [at(2, true), { kind: 'del', key: 'customer:old@x', unlessIndexed: true }],
    );
    expect(await keys()).toEqual(['customer:', CHECKPOINT_KEY].sort());
  });

  it('moves set and sorted set members, leaving members of other rows', async () => {
    await apply(
      [at(1), { kind: 'zadd', key: 'by-city:Oslo', score: '1', member: '1' }],
      [at(2), { kind: 'zadd', key: 'by-city:Oslo', score: '2', member: '2' }],
    );
    await apply([at(1), { kind: 'zadd', key: 'by-city:Rome', score: '1', member: '1' }]);
    expect(await redis.zrange('by-city:Oslo', 0, -1)).toEqual(['2']);
    expect(await redis.zrange('by-city:Rome', 0, -1)).toEqual(['1']);
  });

  it('leaves a member alone when its key now holds another type', async () => {
    await apply([at(1), { kind: 'sadd', key: 'tags', member: 'x' }]);
    await redis.del('tags');
    await redis.set('tags', 'someone else');
    await apply([at(1, true)]);
    expect(await redis.get('tags')).toBe('someone else');
    expect(await redis.hlen(index)).toBe(0);
  });

  it('skips a replayed batch: the index is not touched again', async () => {
    await apply([at(1), hash('customer:a@x', 'a@x')]);
    const before = await redis.hgetall(index);
    const result = await applyBatch(redis, {
      stream,
      firstId: '1-0',
      lastId: `${next - 1}-0`,
      epoch: 0,
      ops: [at(1, true)],
      opEntryIds: ['1-0'],
    });
    expect(result.applied).toBe(false);
    expect(await redis.hgetall(index)).toEqual(before);
    expect(await redis.exists('customer:a@x')).toBe(1);
  });

  it('keeps the index and the data together: a refused record changes neither', async () => {
    await apply([at(1), hash('customer:a@x', 'a@x')]);
    await redis.set('tags', 'a string');
    const result = await apply([
      at(1),
      hash('customer:c@x', 'c@x'),
      { kind: 'sadd', key: 'tags', member: 'x' },
    ]);
    expect(result).toMatchObject({ applied: true, rejected: [{ key: 'tags' }] });
    expect(await redis.exists('customer:a@x')).toBe(1);
    expect(await redis.exists('customer:c@x')).toBe(0);
    expect(await redis.hget(index, row(1))).toBe('[["k","customer:a@x"]]');
  });

  it('truncates: removes what every row placed, in order with the batch', async () => {
    await apply(
      [at(1), hash('customer:a@x', 'a@x'), { kind: 'sadd', key: 'emails', member: 'a@x' }],
      [at(2), hash('customer:b@x', 'b@x'), { kind: 'sadd', key: 'emails', member: 'b@x' }],
    );
    await redis.set('unrelated', '1');
    await redis.sadd('emails', 'added-by-someone-else');
    const result = await apply(
      [at(3), hash('customer:c@x', 'c@x')],
      [{ kind: 'truncate', key: index }],
      [at(4), hash('customer:d@x', 'd@x')],
    );
    expect(result).toMatchObject({ applied: true });
    expect(await redis.exists('customer:a@x', 'customer:b@x', 'customer:c@x')).toBe(0);
    expect(await redis.smembers('emails')).toEqual(['added-by-someone-else']);
    expect(await redis.hgetall('customer:d@x')).toEqual({ email: 'd@x' });
    expect(await redis.hkeys(index)).toEqual([row(4)]);
    expect(await redis.get('unrelated')).toBe('1');
    expect(await redis.hget(CHECKPOINT_KEY, stream)).toBe(`${next - 1}-0`);
  });

  it('truncates a large table in chunks, resuming from the index, in order', async () => {
    const rows = Array.from({ length: 9 }, (_, i) => [at(i + 1), hash(`c:${i + 1}`, `${i}@x`)]);
    await apply(...rows);
    const truncate: WriteOp = { kind: 'truncate', key: index, chunk: 2 };
    // One call: the record before the truncate is applied, then one chunk of the truncate;
    // the checkpoint stops before the truncate and the record after it waits.
    const first = await apply(
      [at(20), hash('c:20', '20@x')],
      [truncate],
      [at(21), hash('c:21', '21@x')],
    );
    expect(first).toMatchObject({ applied: 'partial', checkpoint: `${next - 3}-0` });
    expect(await redis.hget(CHECKPOINT_KEY, stream)).toBe(`${next - 3}-0`);
    expect(await redis.hlen(index)).toBeLessThan(10);
    expect(await redis.hlen(index)).toBeGreaterThan(0);
    expect(await redis.exists('c:21')).toBe(0);
    // What the consumer does: send the rest until done (TargetSet).
    const targets = new TargetSet([standaloneWriter('target', redis)]);
    await targets.loadCheckpoints();
    const ids = [`${next - 2}-0`, `${next - 1}-0`];
    await targets.apply(
      {
        stream,
        entryIds: ids,
        lastId: ids[1] ?? '',
        epoch: 0,
        ops: [truncate, at(21), hash('c:21', '21@x')],
        opEntryIds: [ids[0] ?? '', ids[1] ?? '', ids[1] ?? ''],
      },
      new Map(),
    );
    expect(await keys()).toEqual(['c:21', CHECKPOINT_KEY, index].sort());
    expect(await redis.hkeys(index)).toEqual([row(21)]);
    expect(await redis.hget(CHECKPOINT_KEY, stream)).toBe(ids[1]);
  });

  it('reports, while a truncate is under way, only the rejects of records before it', async () => {
    await apply(...Array.from({ length: 3 }, (_, i) => [at(i + 1), hash(`c:${i + 1}`, `${i}@x`)]));
    await redis.set('text', 'a string');
    const result = await apply(
      [{ kind: 'sadd', key: 'text', member: 'before' }],
      [{ kind: 'truncate', key: index, chunk: 1 }],
      [{ kind: 'sadd', key: 'text', member: 'after' }],
    );
    expect(result).toMatchObject({
      applied: 'partial',
      checkpoint: `${next - 3}-0`,
      rejected: [{ entryId: `${next - 3}-0`, key: 'text' }],
    });
  });

  it('resumes a truncate that is the first record of its batch, checkpoint unchanged', async () => {
    await apply(...Array.from({ length: 5 }, (_, i) => [at(i + 1), hash(`c:${i + 1}`, `${i}@x`)]));
    const checkpoint = await redis.hget(CHECKPOINT_KEY, stream);
    const truncate: WriteOp = { kind: 'truncate', key: index, chunk: 2 };
    const firstId = `${next}-0`;
    let result;
    let calls = 0;
    do {
      calls += 1;
      result = await applyBatch(redis, {
        stream,
        firstId,
        lastId: firstId,
        epoch: 0,
        ops: [truncate],
        opEntryIds: [firstId],
      });
      if (result.applied === 'partial') expect(result.checkpoint).toBe(checkpoint);
    } while (result.applied === 'partial');
    next += 1;
    expect(calls).toBeGreaterThan(1);
    expect(await keys()).toEqual([CHECKPOINT_KEY]);
    expect(await redis.hget(CHECKPOINT_KEY, stream)).toBe(firstId);
  });

  const hasJson = async () => JSON.stringify(await redis.call('MODULE', 'LIST')).includes('ReJSON');

  it('moves a nested entry to another parent without a before row', async ({ skip }) => {
    if (!(await hasJson()))
      skip('RedisJSON is not loaded: set SLUICE_REDISJSON_MODULE to a RedisJSON build to run this');
    const line = (order: number): WriteOp => ({
      kind: 'json-set',
      key: `orders:id:${order}`,
      path: '$.lines["9"]',
      json: '{"qty":2}',
      ensure: ['$.lines'],
    });
    await apply([at(9), line(1)]);
    await apply([at(9), line(2)]);
    expect(JSON.parse(String(await redis.call('JSON.GET', 'orders:id:1')))).toEqual({ lines: {} });
    expect(JSON.parse(String(await redis.call('JSON.GET', 'orders:id:2')))).toEqual({
      lines: { '9': { qty: 2 } },
    });
    await apply([at(9, true)]);
    expect(JSON.parse(String(await redis.call('JSON.GET', 'orders:id:2')))).toEqual({ lines: {} });
  });
});
