// The consume loop with two targets (real Redis servers): each output goes to its target, each
// target keeps its own checkpoint and fence, a batch is acknowledged only when both hold it, a
// target that already holds a batch does not apply it again, and statistics and DLQ entries
// count each record once.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedis } from '../harness/redis.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import {
  BACKPRESSURE_KEY,
  CHECKPOINT_KEY,
  FENCE_KEY,
  PROCESSOR_GROUP,
  statsKey,
} from '../pipeline/redis-keys.ts';
import type { ChangeEvent } from './core/change-event.ts';
import { Processor } from './consumer.ts';
import { systemClock } from './ports.ts';
import type { AsyncJob } from './core/process-entries.ts';
import { standaloneWriter } from './target-writer.ts';
import { fastSettings, quietLogger } from './testing/fast-settings.ts';
import type { EventPlan } from './core/write-plan.ts';

const ctx = useTestContext();
let rdi: Redis;
let reader: Redis;
let target: Redis;
let cache2: Redis;

const quiet = quietLogger;
const settings = fastSettings;

beforeAll(async () => {
  const [rdiServer, targetServer, cache2Server] = await Promise.all([
    startRedis({ dir: `${ctx.dir}/rdi`, registry: ctx.registry, maxmemory: '64mb' }),
    startRedis({ dir: `${ctx.dir}/target`, registry: ctx.registry }),
    startRedis({ dir: `${ctx.dir}/cache2`, registry: ctx.registry }),
  ]);
  rdi = new Redis(rdiServer.url);
  reader = new Redis(rdiServer.url);
  target = new Redis(targetServer.url);
  cache2 = new Redis(cache2Server.url);
});
afterAll(async () => {
  await Promise.all([rdi.quit(), reader.quit(), target.quit(), cache2.quit()]);
});
beforeEach(async () => {
  await Promise.all([rdi.flushall(), target.flushall(), cache2.flushall()]);
});

const stream = 'data:shop.public.people';

function entry(op: string, id: number, after: Record<string, unknown> | null): string[] {
  const key = JSON.stringify({ id });
  const value = JSON.stringify({
    before: op === 'd' ? { id } : null,
    after,
    op,
    source: { db: 'shop', schema: 'public', table: 'people', snapshot: 'false' },
  });
  return ['key', key, 'value', value];
}

/** A scalar column value as text (the test rows hold numbers and strings only). */
const text = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : '';

describe('Several targets', () => {
  /** A job with one output per target: a hash in `target`, a set member in `cache2`. */
  const twoTargets = (event: ChangeEvent): EventPlan => {
    const id = text(event.key['id']);
    const name = text(event.after?.['name'] ?? '');
    return {
      ops: [
        { kind: 'hash', key: `people:${id}`, fields: [['name', name]], keep: [] },
        { kind: 'sadd', key: 'people:ids', member: id, connection: 'cache2' },
      ],
      outcome: event.op === 'u' ? 'updated' : 'inserted',
    };
  };
  const withTargets = (job: AsyncJob): Processor =>
    new Processor({
      rdi,
      reader,
      targets: [standaloneWriter('target', target), standaloneWriter('cache2', cache2)],
      job,
      clock: systemClock,
      logger: quiet,
      settings,
    });

  it('writes each output to its target, checkpoints both, and counts each record once', async () => {
    await rdi.xadd(stream, '*', ...entry('c', 1, { id: 1, name: 'Ada' }));
    await rdi.xadd(stream, '*', ...entry('c', 2, { id: 2, name: 'Bob' }));
    const last = await rdi.xadd(stream, '*', ...entry('u', 1, { id: 1, name: 'Ada L.' }));
    const p = withTargets(twoTargets);
    void p.start();
    await waitFor('both checkpoints', async () => {
      const [a, b] = await Promise.all([
        target.hget(CHECKPOINT_KEY, stream),
        cache2.hget(CHECKPOINT_KEY, stream),
      ]);
      return a === last && b === last;
    });
    await p.stop();
    expect(await target.hgetall('people:1')).toEqual({ name: 'Ada L.' });
    expect(await target.exists('people:ids')).toBe(0);
    expect((await cache2.smembers('people:ids')).sort()).toEqual(['1', '2']);
    expect(await cache2.exists('people:1')).toBe(0);
    expect(await cache2.get(FENCE_KEY)).toBe(String(settings.epoch));
    const stats = await rdi.hgetall(statsKey(stream));
    expect(stats).toMatchObject({ total: '3', inserted: '2', updated: '1' });
  });

  it('acknowledges nothing while one target is down, and the other does not replay the batch', async () => {
    // A stream output in `target` shows a replay: it would get the entry twice.
    const audit = (event: ChangeEvent): EventPlan => ({
      ops: [
        { kind: 'xadd', key: 'audit', fields: [['id', text(event.key['id'])]] },
        {
          kind: 'string',
          key: `name:${text(event.key['id'])}`,
          value: 'x',
          connection: 'cache2',
        },
      ],
      outcome: 'inserted',
    });
    await cache2.config('SET', 'replica-read-only', 'yes');
    await cache2.replicaof('127.0.0.1', '1');
    const p = withTargets(audit);
    try {
      const last = await rdi.xadd(stream, '*', ...entry('c', 1, { id: 1, name: 'Ada' }));
      void p.start();
      await waitFor('the batch in target', async () => (await target.xlen('audit')) === 1);
      const flag = await waitFor('the backpressure flag', async () => {
        const hash = await rdi.hgetall(BACKPRESSURE_KEY);
        return hash.reason === undefined ? undefined : hash;
      });
      expect(flag.reason).toContain('target unavailable');
      const pending = (await rdi.xpending(stream, PROCESSOR_GROUP)) as [number, ...unknown[]];
      expect(pending[0]).toBe(1);
      await cache2.replicaof('NO', 'ONE');
      await waitFor(
        'cache2 catches up',
        async () => (await cache2.hget(CHECKPOINT_KEY, stream)) === last,
      );
      await waitFor('the acknowledgement', async () => {
        const after = (await rdi.xpending(stream, PROCESSOR_GROUP)) as [number, ...unknown[]];
        return after[0] === 0;
      });
    } finally {
      await cache2.replicaof('NO', 'ONE');
      await p.stop();
    }
    expect(await cache2.get('name:1')).toBe('x');
    expect(await target.xlen('audit')).toBe(1);
    expect(await rdi.hget(statsKey(stream), 'inserted')).toBe('1');
  });

  it('sends a record both targets refuse to the DLQ once and counts it once', async () => {
    await Promise.all([target.set('tags', 'a string'), cache2.set('tags', 'a string')]);
    const last = await rdi.xadd(stream, '*', ...entry('c', 1, { id: 1, name: 'Ada' }));
    const p = withTargets(() => ({
      ops: [
        { kind: 'sadd', key: 'tags', member: '1' },
        { kind: 'sadd', key: 'tags', member: '1', connection: 'cache2' },
      ],
      outcome: 'inserted',
    }));
    void p.start();
    await waitFor(
      'the acknowledgement',
      async () => (await rdi.hget(statsKey(stream), 'total')) === '1',
    );
    await p.stop();
    expect(await cache2.hget(CHECKPOINT_KEY, stream)).toBe(last);
    expect(await rdi.xlen(`dlq:${stream}`)).toBe(1);
    const stats = await rdi.hgetall(statsKey(stream));
    expect(stats).toMatchObject({ total: '1', rejected: '1' });
    expect(stats.inserted).toBeUndefined();
  });
});
