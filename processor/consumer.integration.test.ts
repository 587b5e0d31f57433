// The consume loop against two real Redis servers (RDI database and target): pending entries
// first, ack only after the write, trimming, dead-letter queue, statistics. Several targets:
// consumer-targets.integration.test.ts.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedis } from '../harness/redis.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import {
  BACKPRESSURE_KEY,
  CHECKPOINT_KEY,
  PROCESSOR_GROUP,
  statsKey,
} from '../pipeline/redis-keys.ts';
import { TRIM_SCRIPT } from './acknowledge-batch.ts';
import { Processor } from './consumer.ts';
import { planDefaultJob } from './core/default-job.ts';
import { systemClock } from './ports.ts';
import { standaloneWriter } from './target-writer.ts';
import { fastSettings, quietLogger } from './testing/fast-settings.ts';

const ctx = useTestContext();
let rdi: Redis;
let reader: Redis;
let target: Redis;

const quiet = quietLogger;
const settings = fastSettings;

beforeAll(async () => {
  const rdiServer = await startRedis({
    dir: `${ctx.dir}/rdi`,
    registry: ctx.registry,
    maxmemory: '64mb',
  });
  const targetServer = await startRedis({ dir: `${ctx.dir}/target`, registry: ctx.registry });
  rdi = new Redis(rdiServer.url);
  reader = new Redis(rdiServer.url);
  target = new Redis(targetServer.url);
});
afterAll(async () => {
  await Promise.all([rdi.quit(), reader.quit(), target.quit()]);
});
beforeEach(async () => {
  await Promise.all([rdi.flushall(), target.flushall()]);
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

function processor(): Processor {
  return new Processor({
    rdi,
    reader,
    targets: [standaloneWriter('target', target)],
    job: planDefaultJob,
    clock: systemClock,
    logger: quiet,
    settings,
  });
}

describe('Processor', () => {
  it('applies inserts, updates and deletes, then acknowledges and trims', async () => {
    await rdi.xadd(stream, '*', ...entry('c', 1, { id: 1, name: 'Ada' }));
    await rdi.xadd(stream, '*', ...entry('c', 2, { id: 2, name: 'Bob' }));
    await rdi.xadd(stream, '*', ...entry('u', 1, { id: 1, name: 'Ada L.' }));
    const last = await rdi.xadd(stream, '*', ...entry('d', 2, null));
    const p = processor();
    void p.start();
    await waitFor(
      'the last entry to be checkpointed',
      async () => (await target.hget(CHECKPOINT_KEY, stream)) === last,
    );
    await p.stop();
    expect(await target.hgetall('people:id:1')).toEqual({ id: '1', name: 'Ada L.' });
    expect(await target.exists('people:id:2')).toBe(0);
    const pending = (await rdi.xpending(stream, PROCESSOR_GROUP)) as [number, ...unknown[]];
    expect(pending[0]).toBe(0);
    expect(await rdi.xlen(stream)).toBeLessThan(4);
    expect(await rdi.hgetall(statsKey(stream))).toMatchObject({
      total: '4',
      inserted: '2',
      updated: '1',
      deleted: '1',
    });
  });

  it('re-reads its own pending entries after a crash and skips what the target already has', async () => {
    await rdi.xgroup('CREATE', stream, PROCESSOR_GROUP, '0', 'MKSTREAM');
    const first = await rdi.xadd(stream, '*', ...entry('c', 1, { id: 1, name: 'v1' }));
    await rdi.xadd(stream, '*', ...entry('u', 1, { id: 1, name: 'v2' }));
    // A previous life read both entries, applied the first one and died before acking.
    await rdi.xreadgroup('GROUP', PROCESSOR_GROUP, 'p1', 'COUNT', 10, 'STREAMS', stream, '>');
    await target.hset(CHECKPOINT_KEY, stream, first ?? '');
    await target.hset('people:id:1', { id: '1', name: 'v1' });
    const later = await rdi.xadd(stream, '*', ...entry('u', 1, { id: 1, name: 'v3' }));
    const p = processor();
    void p.start();
    await waitFor('catch-up', async () => (await target.hget(CHECKPOINT_KEY, stream)) === later);
    await p.stop();
    expect(await target.hget('people:id:1', 'name')).toBe('v3');
    expect(await rdi.hget(statsKey(stream), 'total')).toBe('3');
  });

  it('sends a bad record to the dead-letter queue and keeps going', async () => {
    await rdi.xadd(stream, '*', 'key', '{"id":1}', 'value', '{this is not json');
    const last = await rdi.xadd(stream, '*', ...entry('c', 3, { id: 3, name: 'after the poison' }));
    const p = processor();
    void p.start();
    await waitFor(
      'the good record',
      async () => (await target.hget(CHECKPOINT_KEY, stream)) === last,
    );
    await p.stop();
    expect(await target.hget('people:id:3', 'name')).toBe('after the poison');
    const dlq = await rdi.xrange(`dlq:${stream}`, '-', '+');
    expect(dlq).toHaveLength(1);
    const fields = dlq[0]?.[1] ?? [];
    expect(fields[fields.indexOf('error_code') + 1]).toBe('ENVELOPE_INVALID');
    expect(fields[fields.indexOf('value') + 1]).toBe('{this is not json');
    expect(await rdi.hget(statsKey(stream), 'rejected')).toBe('1');
  });
});

describe('Processor takeover', () => {
  it('claims the entries a dead consumer left pending, applies them in order and drops that consumer', async () => {
    await rdi.xgroup('CREATE', stream, PROCESSOR_GROUP, '0', 'MKSTREAM');
    await rdi.xadd(stream, '*', ...entry('c', 1, { id: 1, name: 'v1' }));
    await rdi.xadd(stream, '*', ...entry('u', 1, { id: 1, name: 'v2' }));
    // A processor named "old" read both entries and died.
    await rdi.xreadgroup('GROUP', PROCESSOR_GROUP, 'old', 'COUNT', 10, 'STREAMS', stream, '>');
    const last = await rdi.xadd(stream, '*', ...entry('u', 1, { id: 1, name: 'v3' }));
    const p = processor();
    void p.start();
    await waitFor('catch-up', async () => (await target.hget(CHECKPOINT_KEY, stream)) === last);
    await p.stop();
    expect(await target.hget('people:id:1', 'name')).toBe('v3');
    const consumers = (await rdi.xinfo('CONSUMERS', stream, PROCESSOR_GROUP)) as unknown[][];
    expect(consumers.map((c) => c[1])).toEqual(['p1']);
    expect(await rdi.hget(statsKey(stream), 'total')).toBe('3');
  });
});

describe('Processor backpressure', () => {
  it('raises the flag while the target is unavailable, loses nothing, and clears it after', async () => {
    const first = await rdi.xadd(
      stream,
      '*',
      ...entry('c', 1, { id: 1, name: 'before the outage' }),
    );
    const p = processor();
    void p.start();
    await waitFor(
      'the first entry',
      async () => (await target.hget(CHECKPOINT_KEY, stream)) === first,
    );
    // Make every target write fail as a transient fault: a read-only replica refuses writes.
    await target.config('SET', 'replica-read-only', 'yes');
    await target.replicaof('127.0.0.1', '1');
    const last = await rdi.xadd(
      stream,
      '*',
      ...entry('c', 2, { id: 2, name: 'during the outage' }),
    );
    const flag = await waitFor('the backpressure flag', async () => {
      const hash = await rdi.hgetall(BACKPRESSURE_KEY);
      return hash.reason === undefined ? undefined : hash;
    });
    expect(flag.reason).toContain('target unavailable');
    const pending = (await rdi.xpending(stream, PROCESSOR_GROUP)) as [number, ...unknown[]];
    expect(pending[0]).toBe(1);
    await target.replicaof('NO', 'ONE');
    await waitFor('catch-up', async () => (await target.hget(CHECKPOINT_KEY, stream)) === last);
    await waitFor('the flag to clear', async () => (await rdi.exists(BACKPRESSURE_KEY)) === 0);
    await p.stop();
    expect(await target.hget('people:id:2', 'name')).toBe('during the outage');
  });
});

describe('Trimming', () => {
  it('never trims an entry that is still pending, whoever holds it', async () => {
    await rdi.xgroup('CREATE', stream, PROCESSOR_GROUP, '0', 'MKSTREAM');
    const stranded = await rdi.xadd(
      stream,
      '*',
      ...entry('c', 1, { id: 1, name: 'held elsewhere' }),
    );
    // Another consumer holds the first entry; the trim bound is far beyond it.
    await rdi.xreadgroup('GROUP', PROCESSOR_GROUP, 'other', 'COUNT', 1, 'STREAMS', stream, '>');
    const later = await rdi.xadd(stream, '*', ...entry('c', 2, { id: 2, name: 'x' }));
    const deleted = await rdi.eval(TRIM_SCRIPT.source, 1, stream, PROCESSOR_GROUP, later ?? '');
    expect(deleted).toBe(0);
    expect((await rdi.xrange(stream, '-', '+')).map(([id]) => id)).toEqual([stranded, later]);
    await rdi.xack(stream, PROCESSOR_GROUP, stranded ?? '');
    expect(await rdi.eval(TRIM_SCRIPT.source, 1, stream, PROCESSOR_GROUP, later ?? '')).toBe(1);
    expect((await rdi.xrange(stream, '-', '+')).map(([id]) => id)).toEqual([later]);
  });
});

describe('Target rejects', () => {
  it('sends a record the target refuses to the DLQ and counts it only as rejected', async () => {
    await target.set('tags', 'a string where the job writes a set');
    const last = await rdi.xadd(stream, '*', ...entry('c', 1, { id: 1, name: 'Ada' }));
    const p = new Processor({
      rdi,
      reader,
      targets: [standaloneWriter('target', target)],
      job: () => ({ ops: [{ kind: 'sadd', key: 'tags', member: '1' }], outcome: 'inserted' }),
      clock: systemClock,
      logger: quiet,
      settings,
    });
    void p.start();
    await waitFor(
      'the checkpoint',
      async () => (await target.hget(CHECKPOINT_KEY, stream)) === last,
    );
    await p.stop();
    expect(await target.get('tags')).toBe('a string where the job writes a set');
    const dlq = await rdi.xrange(`dlq:${stream}`, '-', '+');
    const fields = dlq[0]?.[1] ?? [];
    expect(fields[fields.indexOf('error_code') + 1]).toBe('TARGET_WRONGTYPE');
    const stats = await rdi.hgetall(statsKey(stream));
    expect(stats).toMatchObject({ total: '1', rejected: '1' });
    expect(stats.inserted).toBeUndefined();
  });
});
