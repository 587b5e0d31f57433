// apply-batch.lua against a real Redis: atomic writes with checkpoint, replay skipping,
// fencing, keeping unchanged (TOASTed) fields, every op kind, and per-record type conflicts.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withRedisJson } from '../harness/redis-json-module.ts';
import { startRedis } from '../harness/redis.ts';
import { useTestContext } from '../harness/test-context.ts';
import { CHECKPOINT_KEY, FENCE_KEY } from '../pipeline/redis-keys.ts';
import { applyBatch } from './apply-batch.ts';
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

describe('applyBatch', () => {
  it('writes the ops and the checkpoint together', async () => {
    await redis.hset('customers:id:1', 'stale', 'x');
    const result = await applyBatch(redis, {
      stream,
      firstId: '10-0',
      lastId: '12-3',
      epoch: 1,
      ops: [
        {
          kind: 'hash',
          key: 'customers:id:1',
          fields: [
            ['id', '1'],
            ['name', 'Ada'],
          ],
          keep: [],
        },
        { kind: 'hash', key: 'customers:id:2', fields: [['id', '2']], keep: [] },
        { kind: 'del', key: 'customers:id:2' },
      ],
    });
    expect(result).toEqual({ applied: true, opCount: 3, rejected: [] });
    expect(await redis.hgetall('customers:id:1')).toEqual({ id: '1', name: 'Ada' });
    expect(await redis.exists('customers:id:2')).toBe(0);
    expect(await redis.hget(CHECKPOINT_KEY, stream)).toBe('12-3');
    expect(await redis.get(FENCE_KEY)).toBe('1');
  });

  it('skips a replayed batch at or below the checkpoint, comparing ids numerically', async () => {
    await redis.hset(CHECKPOINT_KEY, stream, '100-2');
    const op = { kind: 'hash', key: 'k', fields: [['a', '1']], keep: [] } as const;
    expect(
      await applyBatch(redis, { stream, firstId: '100-2', lastId: '101-0', epoch: 0, ops: [op] }),
    ).toEqual({
      applied: false,
      checkpoint: '100-2',
    });
    expect(
      await applyBatch(redis, { stream, firstId: '99-9', lastId: '99-9', epoch: 0, ops: [op] }),
    ).toEqual({
      applied: false,
      checkpoint: '100-2',
    });
    expect(await redis.exists('k')).toBe(0);
    // 100-10 is after 100-2 even though it sorts before it as text.
    expect(
      await applyBatch(redis, { stream, firstId: '100-10', lastId: '100-10', epoch: 0, ops: [op] }),
    ).toEqual({
      applied: true,
      opCount: 1,
      rejected: [],
    });
  });

  it('refuses a batch from an older epoch and writes nothing', async () => {
    await redis.set(FENCE_KEY, '5');
    const batch = {
      stream,
      firstId: '1-0',
      lastId: '1-0',
      epoch: 4,
      ops: [{ kind: 'del', key: 'x' }],
    } as const;
    await redis.set('x', 'keep me');
    await expect(applyBatch(redis, batch)).rejects.toMatchObject({ code: 'FENCED' });
    expect(await redis.get('x')).toBe('keep me');
    expect(await redis.hget(CHECKPOINT_KEY, stream)).toBeNull();
  });

  it('keeps fields marked unavailable and removes the other stale ones', async () => {
    await redis.hset('doc', { id: '1', bio: 'long text', old: 'gone soon' });
    await applyBatch(redis, {
      stream,
      firstId: '1-0',
      lastId: '1-0',
      epoch: 0,
      ops: [
        {
          kind: 'hash',
          key: 'doc',
          fields: [
            ['id', '1'],
            ['name', 'n'],
          ],
          keep: ['bio'],
        },
      ],
    });
    expect(await redis.hgetall('doc')).toEqual({ id: '1', name: 'n', bio: 'long text' });
  });

  it('replaces a key of another type instead of failing half-way', async () => {
    await redis.set('doc', 'a string');
    await applyBatch(redis, {
      stream,
      firstId: '1-0',
      lastId: '1-0',
      epoch: 0,
      ops: [{ kind: 'hash', key: 'doc', fields: [['id', '1']], keep: ['bio'] }],
    });
    expect(await redis.hgetall('doc')).toEqual({ id: '1' });
  });

  it('applies every op kind of the job outputs', async () => {
    await redis.hset('h', { a: '1', b: '2', c: '3' });
    await redis.sadd('s', 'old');
    await redis.zadd('z', 1, 'old');
    const ops: WriteOp[] = [
      { kind: 'hash-merge', key: 'h', fields: [['a', '10']], remove: ['b'] },
      { kind: 'sadd', key: 's', member: 'new' },
      { kind: 'srem', key: 's', member: 'old' },
      { kind: 'zadd', key: 'z', score: '2.5', member: 'new' },
      { kind: 'zrem', key: 'z', member: 'old' },
      {
        kind: 'xadd',
        key: 'x',
        fields: [
          ['id', '1'],
          ['op_code', 'c'],
        ],
      },
      { kind: 'string', key: 'str', value: 'v' },
      { kind: 'expire', key: 'str', seconds: 100 },
    ];
    const result = await applyBatch(redis, {
      stream,
      firstId: '1-0',
      lastId: '1-0',
      epoch: 0,
      ops,
    });
    expect(result).toEqual({ applied: true, opCount: 8, rejected: [] });
    expect(await redis.hgetall('h')).toEqual({ a: '10', c: '3' });
    expect(await redis.smembers('s')).toEqual(['new']);
    expect(await redis.zrange('z', 0, -1, 'WITHSCORES')).toEqual(['new', '2.5']);
    const entries = await redis.xrange('x', '-', '+');
    expect(entries.map(([, fields]) => fields)).toEqual([['id', '1', 'op_code', 'c']]);
    expect(await redis.get('str')).toBe('v');
    expect(await redis.ttl('str')).toBeGreaterThan(90);
  });

  it('leaves out a record whose key holds another type and reports it, applying the rest', async () => {
    await redis.set('taken', 'a string');
    const result = await applyBatch(redis, {
      stream,
      firstId: '1-0',
      lastId: '3-0',
      epoch: 0,
      ops: [
        { kind: 'sadd', key: 'members', member: 'a' },
        { kind: 'hash', key: 'h1', fields: [['x', '1']], keep: [] },
        { kind: 'sadd', key: 'taken', member: 'b' },
        { kind: 'sadd', key: 'members', member: 'c' },
      ],
      opEntryIds: ['1-0', '2-0', '2-0', '3-0'],
    });
    expect(result).toEqual({
      applied: true,
      opCount: 2,
      rejected: [{ entryId: '2-0', key: 'taken', foundType: 'string', expectedType: 'set' }],
    });
    // Nothing of record 2-0 was written, not even its first (valid) op.
    expect(await redis.exists('h1')).toBe(0);
    expect(await redis.get('taken')).toBe('a string');
    expect((await redis.smembers('members')).sort()).toEqual(['a', 'c']);
    expect(await redis.hget(CHECKPOINT_KEY, stream)).toBe('3-0');
  });

  it('sees the types earlier records of the batch leave behind', async () => {
    const result = await applyBatch(redis, {
      stream,
      firstId: '1-0',
      lastId: '2-0',
      epoch: 0,
      ops: [
        { kind: 'string', key: 'k', value: 'v' },
        { kind: 'zadd', key: 'k', score: '1', member: 'm' },
      ],
      opEntryIds: ['1-0', '2-0'],
    });
    expect(result).toMatchObject({
      rejected: [{ entryId: '2-0', foundType: 'string', expectedType: 'zset' }],
    });
    expect(await redis.get('k')).toBe('v');
  });

  const hasJson = async () => JSON.stringify(await redis.call('MODULE', 'LIST')).includes('ReJSON');

  // A server of its own without the module, so this runs where the JSON tests run too.
  it('writes nothing and says so when JSON ops meet a target without RedisJSON', async () => {
    const plain = await startRedis({ dir: `${ctx.dir}/plain`, registry: ctx.registry });
    const bare = new Redis(plain.url);
    try {
      await bare.set('untouched', '1');
      const batch = {
        stream,
        firstId: '1-0',
        lastId: '1-0',
        epoch: 0,
        ops: [
          { kind: 'del', key: 'untouched' },
          { kind: 'json-set', key: 'doc', path: '$', json: '{}', ensure: [] },
        ],
      } as const;
      await expect(applyBatch(bare, batch)).rejects.toMatchObject({
        code: 'TARGET_JSON_MODULE_MISSING',
      });
      expect(await bare.get('untouched')).toBe('1');
      expect(await bare.hget(CHECKPOINT_KEY, stream)).toBeNull();
    } finally {
      await bare.quit();
    }
  });

  it('writes, merges, nests and removes JSON documents', async ({ skip }) => {
    if (!(await hasJson()))
      skip('RedisJSON is not loaded: set SLUICE_REDISJSON_MODULE to a RedisJSON build to run this');
    const ops: WriteOp[] = [
      { kind: 'json-set', key: 'order:1', path: '$', json: '{"id":1}', ensure: [] },
      { kind: 'json-merge', key: 'order:1', path: '$', json: '{"status":"new"}' },
      {
        kind: 'json-set',
        key: 'order:1',
        path: '$.lines["9"]',
        json: '{"qty":2}',
        ensure: ['$.lines'],
      },
      {
        kind: 'json-set',
        key: 'order:2',
        path: '$.lines["3"]',
        json: '{"qty":1}',
        ensure: ['$.lines'],
      },
      { kind: 'json-del', key: 'order:2', path: '$.lines["3"]' },
    ];
    await applyBatch(redis, { stream, firstId: '1-0', lastId: '1-0', epoch: 0, ops });
    expect(JSON.parse(String(await redis.call('JSON.GET', 'order:1')))).toEqual({
      id: 1,
      status: 'new',
      lines: { '9': { qty: 2 } },
    });
    expect(JSON.parse(String(await redis.call('JSON.GET', 'order:2')))).toEqual({ lines: {} });
  });
});
