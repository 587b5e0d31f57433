// Fault injection: the target Redis is down for SLUICE_TARGET_OUTAGE_S seconds (60; with
// SLUICE_FAULT_FULL=1, 600) under a sustained workload, with an RDI database small enough
// (48 MB) that the backlog fills it: Debezium's Redis sink must hold back at its memory
// threshold and the source's replication slot keep the rest. After the target returns,
// everything catches up: the target equals the source key by key, no log has an OOM error and
// the RDI database never went above its maxmemory (docs/operations.md, "Fault tests").
import { Redis } from 'ioredis';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { lastSinkRefusal } from '../api/operator/sink-memory-stall.ts';
import { startPipeline } from '../harness/pipeline.ts';
import { startStack } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import { differences, waitUntilEqual } from './support/compare-target.ts';
import { connectSource } from './support/source-client.ts';
import { createWorkload, WORKLOAD_SCHEMA, WORKLOAD_TABLES } from './support/workload.ts';

const FULL = process.env.SLUICE_FAULT_FULL === '1';
const OUTAGE_S = Number(process.env.SLUICE_TARGET_OUTAGE_S ?? (FULL ? '600' : '60'));
const MAXMEMORY_MB = 48;
// Debezium's sink refuses a batch while used_memory + record size × fill rate reaches
// maxmemory. The default rate (30,000) would stop it far below maxmemory with these ~4.5 KB
// entries; 1,000 leaves ~4.5 MB, so the backlog fills the database to ~90 %.
const SINK_FILL_RATE = 1000;
// Rows of 2,000 characters make the backlog reach maxmemory within the short outage; once the
// sink has refused, the trickle keeps the workload going without an hour of catch-up.
const BALLAST_TABLE = 'CREATE TABLE ballast (id bigint PRIMARY KEY, body text NOT NULL)';
const BALLAST_FILL_ROWS = 1000;
const BALLAST_TRICKLE_ROWS = 50;
const MB = 1024 ** 2;
// The processor's read_batch_bytes (default 2 MiB): one XREADGROUP reply waits in the RDI
// database's output buffer for the processor, counts in used_memory, and Redis serves reads
// above maxmemory (it refuses only writes), so used_memory may pass maxmemory by one read.
// The bound allows 8 MiB, the largest read the default has had, for the buffers around it.
const READ_BATCH_BYTES = 8 * MB;

const ctx = useTestContext();

const shapes = [
  { table: 'accounts', keyColumns: ['id'] },
  { table: 'events', keyColumns: ['id'] },
  { table: 'holdings', keyColumns: ['account_id', 'symbol'] },
  { table: 'ballast', keyColumns: ['id'] },
];

async function memory(rdi: Redis): Promise<{ used: number; peak: number; max: number }> {
  const info = await rdi.info('memory');
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1]);
  return { used: field('used_memory'), peak: field('used_memory_peak'), max: field('maxmemory') };
}

/** Lines of `file` that report Redis refusing a write for lack of memory, or a JVM OOM. */
async function oomLines(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => /\bOOM\b|OutOfMemory|used memory > 'maxmemory'/.test(line));
}

describe('long target outage with the RDI database at its maxmemory', () => {
  it(
    `holds ${OUTAGE_S} s of changes back in the RDI database and the source, then catches up`,
    { timeout: (OUTAGE_S + 40 * 60) * 1000 },
    async () => {
      const stack = await startStack({
        source: 'postgresql',
        dir: ctx.dir,
        registry: ctx.registry,
        rdiMaxmemory: `${MAXMEMORY_MB}mb`,
        targetAppendonly: true,
      });
      await stack.source.query(`${WORKLOAD_SCHEMA}; ${BALLAST_TABLE};`);
      const pipeline = await startPipeline({
        stack,
        dir: `${ctx.dir}/pipeline`,
        registry: ctx.registry,
        sourceName: 'bank',
        tables: [...WORKLOAD_TABLES, 'ballast'],
        processorSettings: ['retry_initial_delay_ms: 200', 'retry_max_delay_ms: 2000'],
        advancedSink: { 'redis.buffer.fill.rate': String(SINK_FILL_RATE) },
      });
      const db = await connectSource(stack.source);
      const rdi = new Redis(stack.rdi.url);
      const target = new Redis(stack.target.url, { maxRetriesPerRequest: 1, lazyConnect: true });
      try {
        const workload = createWorkload(11);
        let ballastRows = 0;
        const addBallast = async (rows: number) => {
          await db.query(
            `INSERT INTO ballast SELECT g, repeat(md5(g::text), 62) FROM generate_series($1::bigint, $2::bigint) g`,
            [ballastRows + 1, ballastRows + rows],
          );
          ballastRows += rows;
        };
        await workload.run(db, { changes: 1000 });
        await addBallast(BALLAST_TRICKLE_ROWS);
        await target.connect();
        await waitFor(
          'the first changes in the target',
          async () => (await differences(db, target, shapes)) === '',
          { timeoutMs: 180_000, intervalMs: 1000 },
        );
        target.disconnect();

        await stack.target.stop();
        const started = Date.now();
        let changes = 0;
        let peakRatio = 0;
        let peakWal = 0;
        let refusedAfterS: number | undefined;
        while (Date.now() - started < OUTAGE_S * 1000) {
          await workload.run(db, { changes: 100 });
          const filling = refusedAfterS === undefined;
          const rows = filling ? BALLAST_FILL_ROWS : BALLAST_TRICKLE_ROWS;
          await addBallast(rows);
          // Rewrites of earlier ballast rows: updates pile up in the backlog too.
          const { rowCount } = await db.query(
            `UPDATE ballast SET body = repeat(md5((id + $1)::text), 62) WHERE id % 97 = $2`,
            [changes, changes % 97],
          );
          changes += 100 + rows + (rowCount ?? 0);
          const { used, max } = await memory(rdi);
          peakRatio = Math.max(peakRatio, used / max);
          const wal = await stack.source.query(
            'SELECT max(pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)) FROM pg_replication_slots',
          );
          peakWal = Math.max(peakWal, Number(wal[0]?.[0] ?? '0'));
          if (filling) {
            const log = await readFile(pipeline.debezium.logFile, 'utf8');
            if (lastSinkRefusal(log.split('\n')) !== undefined)
              refusedAfterS = (Date.now() - started) / 1000;
          }
          await sleep(1000);
        }
        const atEnd = await memory(rdi);
        const refusal = lastSinkRefusal(
          (await readFile(pipeline.debezium.logFile, 'utf8')).split('\n'),
        );

        await stack.target.restart();
        const restarted = Date.now();
        const reconnected = new Redis(stack.target.url);
        try {
          await waitUntilEqual(db, reconnected, shapes, {
            timeoutMs: 30 * 60_000,
            intervalMs: 3000,
          });
        } finally {
          await reconnected.quit();
        }
        const catchUpS = (Date.now() - restarted) / 1000;
        const final = await memory(rdi);
        const oom = [
          ...(await oomLines(join(ctx.dir, 'pipeline', 'processor.log'))),
          ...(await oomLines(pipeline.debezium.logFile)),
          ...(await oomLines(join(ctx.dir, 'rdi-redis', 'redis.log'))),
        ];
        console.info(
          JSON.stringify({
            outageS: OUTAGE_S,
            changesDuringOutage: changes,
            sinkRefusedAfterS: refusedAfterS,
            debeziumEstimate: refusal?.estimated,
            peakUsedMb: +(final.peak / MB).toFixed(1),
            peakUsedDuringOutageMb: +(atEnd.peak / MB).toFixed(1),
            peakSampledRatio: +peakRatio.toFixed(3),
            usedAtEndOfOutageMb: +(atEnd.used / MB).toFixed(1),
            maxmemoryMb: final.max / MB,
            walRetainedPeakMb: +(peakWal / MB).toFixed(1),
            catchUpS,
          }),
        );
        // Debezium's sink held back at its threshold with the database nearly full, and the
        // replication slot retained what it did not read.
        expect(refusal).toBeDefined();
        expect(peakRatio).toBeGreaterThan(0.8);
        expect(peakWal).toBeGreaterThan(8 * MB);
        // Never above maxmemory by more than one read of the processor, and no OOM.
        expect(final.peak).toBeLessThan(final.max + READ_BATCH_BYTES);
        expect(oom).toEqual([]);
      } finally {
        target.disconnect();
        rdi.disconnect();
        await db.end();
      }
    },
  );
});
