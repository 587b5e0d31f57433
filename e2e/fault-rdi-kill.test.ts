// Fault injection: kill -9 of the RDI database (streams, offsets, consumer group, statistics)
// under load, then a restart from its AOF on the same port and folder. Debezium Server and the
// processor must find their way back by themselves — a collector that gave up is started again,
// as the operator would — and the target must end equal to the source key by key. CI kills it
// twice; SLUICE_FAULT_FULL=1 five times with more changes (docs/operations.md, "Fault tests").
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { DebeziumProcess } from '../debezium-config/launch.ts';
import { startPipeline } from '../harness/pipeline.ts';
import { startStack } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import { compareRows } from './support/compare-rows.ts';
import { ITEMS_COLUMNS, ITEMS_TABLE, itemsFill, startSqlWorkload } from './support/sql-workload.ts';

const FULL = process.env.SLUICE_FAULT_FULL === '1';
const KILLS = FULL ? 5 : 2;
const CHANGES_BETWEEN = FULL ? 1000 : 200;
const SEED = Number(process.env.SLUICE_FAULT_SEED ?? '20261205');

const ctx = useTestContext();

describe('kill -9 of the RDI database under load', () => {
  it(`recovers from its AOF and loses nothing across ${KILLS} kills`, async () => {
    const stack = await startStack({ source: 'postgresql', dir: ctx.dir, registry: ctx.registry });
    const sql = (text: string) => stack.source.query(text);
    await sql(ITEMS_TABLE);
    await sql(itemsFill(500));
    const target = new Redis(stack.target.url);
    try {
      const pipeline = await startPipeline({
        stack,
        dir: `${ctx.dir}/pipeline`,
        registry: ctx.registry,
        sourceName: 'src',
        tables: ['items'],
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
      let collector: DebeziumProcess = pipeline.debezium;
      const down = { collector: false };
      const watch = (c: DebeziumProcess) => {
        void c.exited.then(() => {
          if (c === collector) down.collector = true;
        });
      };
      watch(collector);
      let collectorRestarts = 0;
      const workload = startSqlWorkload(sql, { seed: SEED, initialRows: 500 });
      for (let kill = 1; kill <= KILLS; kill += 1) {
        await workload.reached(kill * CHANGES_BETWEEN);
        await stack.rdi.kill();
        // Changes keep coming while it is down (they wait in the WAL).
        await workload.reached(kill * CHANGES_BETWEEN + 60);
        await stack.rdi.restart();
        // Debezium Server exits when its engine fails: start it again, as the operator does.
        if (down.collector) {
          down.collector = false;
          collectorRestarts += 1;
          collector = await pipeline.startCollector();
          watch(collector);
        }
      }
      await workload.reached((KILLS + 1) * CHANGES_BETWEEN);
      const changes = await workload.stop();
      let summary = '';
      await waitFor(
        'the target to equal the source',
        async () => {
          if (down.collector) {
            down.collector = false;
            collectorRestarts += 1;
            collector = await pipeline.startCollector();
            watch(collector);
          }
          summary = (await compareRows(sql, target, 'items', ITEMS_COLUMNS)).summary;
          if (summary === '') return true;
          throw new Error(summary);
        },
        { timeoutMs: 240_000, intervalMs: 1000 },
      );
      expect(summary).toBe('');
      expect(pipeline.processor.pid).toBeDefined();
      console.info(
        `RDI kills: ${KILLS}, changes: ${changes}, collector restarts: ${collectorRestarts}`,
      );
    } finally {
      target.disconnect();
    }
  });
});
