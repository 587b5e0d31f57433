// Fault injection on one PostgreSQL pipeline (one stack, so that the servers and Debezium start
// once):
// 1. kill -9 of the RDI database (streams, offsets, consumer group, statistics) under load, then a
//    restart from its AOF on the same port and folder. Debezium Server and the processor must
//    find their way back by themselves — a collector that gave up is started again, as the
//    operator would — and the target must end equal to the source key by key. CI kills it twice;
//    SLUICE_FAULT_FULL=1 five times with more changes.
// 2. One transaction of many rows (CI 100,000; SLUICE_FAULT_FULL=1: 1,000,000): the processor's
//    peak memory stays bounded (it reads bounded batches, whatever the transaction's size) and
//    the target ends equal to the source. docs/operations.md, "Fault tests".
import { readFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DebeziumProcess } from '../debezium-config/launch.ts';
import { startPipeline, type RunningPipeline } from '../harness/pipeline.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import { compareRows } from './support/compare-rows.ts';
import { ITEMS_COLUMNS, ITEMS_TABLE, itemsFill, startSqlWorkload } from './support/sql-workload.ts';

const FULL = process.env.SLUICE_FAULT_FULL === '1';
const KILLS = FULL ? 5 : 2;
const CHANGES_BETWEEN = FULL ? 1000 : 200;
const SEED = Number(process.env.SLUICE_FAULT_SEED ?? '20261205');
const BULK_ROWS = Number(process.env.SLUICE_BULK_ROWS ?? (FULL ? '1000000' : '100000'));
/** Peak RSS the processor may reach; its batches are bounded, not the transaction. */
const PROCESSOR_PEAK_LIMIT_MB = Number(process.env.SLUICE_PROCESSOR_PEAK_MB ?? '400');

const ctx = useTestContext();
let stack: Stack<'postgresql'>;
let pipeline: RunningPipeline;
let target: Redis;
const sql = (text: string) => stack.source.query(text);

beforeAll(async () => {
  stack = await startStack({ source: 'postgresql', dir: ctx.dir, registry: ctx.registry });
  await sql(ITEMS_TABLE);
  await sql(itemsFill(500));
  await sql('CREATE TABLE bulk (id int PRIMARY KEY, v varchar(40) NOT NULL, n int NOT NULL)');
  target = new Redis(stack.target.url);
  pipeline = await startPipeline({
    stack,
    dir: `${ctx.dir}/pipeline`,
    registry: ctx.registry,
    sourceName: 'src',
    tables: ['items', 'bulk'],
    // Short retry delays: the recovery time is what the test waits for.
    processorSettings: ['retry_initial_delay_ms: 200', 'retry_max_delay_ms: 2000'],
  });
  await waitFor(
    'the snapshot in the target',
    async () => (await target.exists('items:id:500')) === 1,
    {
      timeoutMs: 180_000,
    },
  );
});

afterAll(() => {
  target.disconnect();
});

async function expectEqual(table: string, timeoutMs = 240_000): Promise<void> {
  let summary = '';
  await waitFor(
    `${table} in the target to equal the source`,
    async () => {
      summary = (await compareRows(sql, target, table, ITEMS_COLUMNS)).summary;
      if (summary === '') return true;
      throw new Error(summary);
    },
    { timeoutMs, intervalMs: 1000 },
  );
  expect(summary).toBe('');
}

/** Collector started by a test (the test context stops it after that test), if any. */
let restartedCollector = false;

describe('kill -9 of the RDI database under load', () => {
  it(`recovers from its AOF and loses nothing across ${KILLS} kills`, async () => {
    let collector: DebeziumProcess = pipeline.debezium;
    const down = { collector: false };
    const watch = (c: DebeziumProcess) => {
      void c.exited.then(() => {
        if (c === collector) down.collector = true;
      });
    };
    watch(collector);
    const restartIfDown = async () => {
      // Debezium Server exits when its engine fails: start it again, as the operator does.
      if (!down.collector) return;
      down.collector = false;
      restartedCollector = true;
      collector = await pipeline.startCollector();
      watch(collector);
    };
    const workload = startSqlWorkload(sql, { seed: SEED, initialRows: 500 });
    for (let kill = 1; kill <= KILLS; kill += 1) {
      await workload.reached(kill * CHANGES_BETWEEN);
      await stack.rdi.kill();
      // Changes keep coming while it is down (they wait in the WAL).
      await workload.reached(kill * CHANGES_BETWEEN + 60);
      await stack.rdi.restart();
      await restartIfDown();
    }
    await workload.reached((KILLS + 1) * CHANGES_BETWEEN);
    const changes = await workload.stop();
    await waitFor('the collector to run', async () => {
      await restartIfDown();
      return true;
    });
    await expectEqual('items');
    expect(pipeline.processor.pid).toBeDefined();
    console.info(
      `RDI kills: ${KILLS}, changes: ${changes}, collector restarted: ${restartedCollector}`,
    );
  });
});

describe('one large transaction', () => {
  it(`applies ${BULK_ROWS} rows of one transaction with bounded processor memory`, async () => {
    if (restartedCollector) await pipeline.startCollector();
    const pid = pipeline.processor.pid;
    if (pid === undefined) throw new Error('the processor is not running');
    await sql(`INSERT INTO bulk SELECT g, 'v' || g, g FROM generate_series(1, ${BULK_ROWS}) g`);
    await waitFor(
      'the last row in the target',
      async () => (await target.exists(`bulk:id:${BULK_ROWS}`)) === 1,
      {
        timeoutMs: 600_000,
        intervalMs: 1000,
      },
    );
    await expectEqual('bulk');
    // VmHWM: the process's peak resident set size since it started.
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const peakMb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]) / 1024;
    console.info(
      `${BULK_ROWS} rows in one transaction: processor peak RSS ${peakMb.toFixed(0)} MB`,
    );
    expect(peakMb).toBeGreaterThan(0);
    expect(peakMb).toBeLessThan(PROCESSOR_PEAK_LIMIT_MB);
  }, 1_200_000);
});
