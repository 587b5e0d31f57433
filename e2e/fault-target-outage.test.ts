// Fault injection: the target Redis is stopped for 30 s while changes keep coming. Nothing
// may be acknowledged meanwhile, the RDI database must stay under its maxmemory, the
// backpressure flag must go up, and after the target returns everything catches up.
// Also: a poison record in a change stream goes to the DLQ and later records still apply.
import { Redis } from 'ioredis';
import type pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKPRESSURE_KEY, dlqKey } from '../pipeline/redis-keys.ts';
import { startPipeline } from '../harness/pipeline.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import { differences, waitUntilEqual } from './support/compare-target.ts';
import { connectSource } from './support/source-client.ts';
import { createWorkload, WORKLOAD_SCHEMA, WORKLOAD_TABLES } from './support/workload.ts';

const OUTAGE_MS = 30_000;
const ctx = useTestContext();
let stack: Stack<'postgresql'>;
let db: pg.Client;
let rdi: Redis;

const shapes = [
  { table: 'accounts', keyColumns: ['id'] },
  { table: 'events', keyColumns: ['id'] },
  { table: 'holdings', keyColumns: ['account_id', 'symbol'] },
];

beforeAll(async () => {
  stack = await startStack({
    source: 'postgresql',
    dir: ctx.dir,
    registry: ctx.registry,
    // Debezium's sink refuses to write while used_memory + ~30,000 × record size would pass
    // maxmemory; with these ~3 KB entries that needs about 100 MB of headroom.
    rdiMaxmemory: '256mb',
    targetAppendonly: true,
  });
  await stack.source.query(WORKLOAD_SCHEMA);
  await startPipeline({
    stack,
    dir: `${ctx.dir}/pipeline`,
    registry: ctx.registry,
    sourceName: 'bank',
    tables: [...WORKLOAD_TABLES],
    // Short retry delays so the catch-up starts soon after the target returns.
    processorSettings: ['retry_initial_delay_ms: 200', 'retry_max_delay_ms: 1000'],
  });
  db = await connectSource(stack.source);
  rdi = new Redis(stack.rdi.url);
});

afterAll(async () => {
  await db.end();
  await rdi.quit();
});

async function memoryRatio(): Promise<number> {
  const info = await rdi.info('memory');
  const used = Number(/^used_memory:(\d+)/m.exec(info)?.[1]);
  const max = Number(/^maxmemory:(\d+)/m.exec(info)?.[1]);
  return used / max;
}

describe('target outage', () => {
  it('holds changes back while the target is down and catches up fully after', async () => {
    const workload = createWorkload(7);
    await workload.run(db, { changes: 1000 });
    const target = new Redis(stack.target.url, { maxRetriesPerRequest: 1, lazyConnect: true });
    try {
      await waitFor(
        'the first changes in the target',
        async () => {
          await target.connect().catch(() => undefined);
          return (await differences(db, target, shapes)) === '';
        },
        { timeoutMs: 120_000, intervalMs: 500 },
      );
      target.disconnect();

      await stack.target.stop();
      const outageStarted = Date.now();
      let peakMemory = 0;
      let flagSeen = '';
      // Keep the source busy during the outage, sampling the RDI database as we go.
      while (Date.now() - outageStarted < OUTAGE_MS) {
        await workload.run(db, { changes: 200 });
        peakMemory = Math.max(peakMemory, await memoryRatio());
        flagSeen ||= (await rdi.hget(BACKPRESSURE_KEY, 'reason')) ?? '';
        await sleep(200);
      }
      expect(flagSeen).toContain('target unavailable');
      expect(peakMemory).toBeLessThan(1);
      // Nothing was acknowledged while the target was down: the changes wait in the streams.
      const backlog = await Promise.all(
        WORKLOAD_TABLES.map((t) => rdi.xlen(`data:bank.public.${t}`)),
      );
      expect(backlog.reduce((a, b) => a + b, 0)).toBeGreaterThan(100);

      await stack.target.restart();
      const reconnected = new Redis(stack.target.url);
      try {
        await waitUntilEqual(db, reconnected, shapes, { timeoutMs: 180_000 });
        await waitFor(
          'the backpressure flag to clear',
          async () => (await rdi.exists(BACKPRESSURE_KEY)) === 0,
        );
      } finally {
        await reconnected.quit();
      }
    } finally {
      target.disconnect();
    }
  });

  it('sends a poison record to the DLQ with its reason and applies the later records', async () => {
    const stream = 'data:bank.public.accounts';
    await rdi.xadd(
      stream,
      '*',
      'key',
      '{"id":1}',
      'value',
      '{"payload": "not a Debezium envelope"',
    );
    await db.query(`INSERT INTO accounts VALUES (999999, 'after the poison', 1.00, true, NULL)`);
    const target = new Redis(stack.target.url);
    try {
      await waitFor(
        'the record after the poison',
        async () => (await target.hget('accounts:id:999999', 'owner')) === 'after the poison',
        { timeoutMs: 60_000 },
      );
      const dlq = await rdi.xrange(dlqKey(stream), '-', '+');
      expect(dlq).toHaveLength(1);
      const fields = dlq[0]?.[1] ?? [];
      const field = (name: string): string | undefined => fields[fields.indexOf(name) + 1];
      expect(field('error_code')).toBe('ENVELOPE_INVALID');
      expect(field('reason')).toMatch(/not valid JSON/);
      expect(field('value')).toBe('{"payload": "not a Debezium envelope"');
    } finally {
      await target.quit();
    }
  });
});
