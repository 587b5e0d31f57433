// apply-batch.lua against a real Redis: atomic writes with checkpoint, replay skipping,
// fencing, and keeping unchanged (TOASTed) fields.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedis } from '../e2e/harness/redis.ts';
import { useTestContext } from '../e2e/harness/test-context.ts';
import { CHECKPOINT_KEY, FENCE_KEY } from '../pipeline/redis-keys.ts';
import { applyBatch } from './apply-batch.ts';

const ctx = useTestContext();
let redis: Redis;

beforeAll(async () => {
  const server = await startRedis({ dir: `${ctx.dir}/target`, registry: ctx.registry });
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
        { kind: 'hash', key: 'customers:id:1', fields: [['id', '1'], ['name', 'Ada']], keep: [] },
        { kind: 'hash', key: 'customers:id:2', fields: [['id', '2']], keep: [] },
        { kind: 'del', key: 'customers:id:2' },
      ],
    });
    expect(result).toEqual({ applied: true, opCount: 3 });
    expect(await redis.hgetall('customers:id:1')).toEqual({ id: '1', name: 'Ada' });
    expect(await redis.exists('customers:id:2')).toBe(0);
    expect(await redis.hget(CHECKPOINT_KEY, stream)).toBe('12-3');
    expect(await redis.get(FENCE_KEY)).toBe('1');
  });

  it('skips a replayed batch at or below the checkpoint, comparing ids numerically', async () => {
    await redis.hset(CHECKPOINT_KEY, stream, '100-2');
    const op = { kind: 'hash', key: 'k', fields: [['a', '1']], keep: [] } as const;
    expect(await applyBatch(redis, { stream, firstId: '100-2', lastId: '101-0', epoch: 0, ops: [op] })).toEqual({
      applied: false,
      checkpoint: '100-2',
    });
    expect(await applyBatch(redis, { stream, firstId: '99-9', lastId: '99-9', epoch: 0, ops: [op] })).toEqual({
      applied: false,
      checkpoint: '100-2',
    });
    expect(await redis.exists('k')).toBe(0);
    // 100-10 is after 100-2 even though it sorts before it as text.
    expect(await applyBatch(redis, { stream, firstId: '100-10', lastId: '100-10', epoch: 0, ops: [op] })).toEqual({
      applied: true,
      opCount: 1,
    });
  });

  it('refuses a batch from an older epoch and writes nothing', async () => {
    await redis.set(FENCE_KEY, '5');
    const batch = { stream, firstId: '1-0', lastId: '1-0', epoch: 4, ops: [{ kind: 'del', key: 'x' }] } as const;
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
      ops: [{ kind: 'hash', key: 'doc', fields: [['id', '1'], ['name', 'n']], keep: ['bio'] }],
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
});
