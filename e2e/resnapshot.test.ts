// Debezium Server faults on one stack per source (PostgreSQL and MariaDB), one after the other
// so that the servers and Debezium start once per source (the suite's time):
// 1. Issue 9, section 3: Debezium killed (-9) in the middle of its initial snapshot; while it is
//    down, rows it had already copied are deleted and one is updated; started again, it takes a
//    brand-new snapshot, which never emits those deletes. The target must end with exactly the
//    source's rows: the sweep at the table's last snapshot row removes the keys the new snapshot
//    did not read (processor/core/snapshot-sweep.ts). 20,000 rows.
// 2. Kill -9 of Debezium while a seeded workload streams inserts, updates, deletes and
//    primary-key changes (1 kill; SLUICE_FAULT_FULL=1: 5 kills, 5× the changes).
// 3. Schema changes mid-stream: add a column (with a default), drop one, rename one, change a
//    type. A row changed after each ALTER is written in the new shape at once; a row not changed
//    since keeps its old shape until its next change (docs/operations.md, "Schema changes").
// Each phase ends with the target equal to the source key by key and field by field.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startPipeline } from '../harness/pipeline.ts';
import { startStack, type SourceKind } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import { snapshotStateKey } from '../processor/core/snapshot-sweep.ts';
import { compareRows } from './support/compare-rows.ts';
import { startSqlWorkload } from './support/sql-workload.ts';
import { expectHash } from './support/target-reader.ts';

const FULL = process.env.SLUICE_FAULT_FULL === '1';
const ROWS = Number(process.env.SLUICE_RESNAPSHOT_ROWS ?? '20000');
const STREAMING_KILLS = FULL ? 5 : 1;
/** Changes committed before each streaming kill, and after the last. */
const CHANGES_BETWEEN = FULL ? 1000 : 200;
const SEED = Number(process.env.SLUICE_FAULT_SEED ?? '20261204');
const SHAPES = 20;
/** Snapshot entries in the stream before Debezium is frozen, then killed. */
const KILL_AFTER = Math.floor(ROWS / 6);

const ctx = useTestContext();

interface Dialect {
  /** Changes a column's type (phase 3). */
  readonly retype: string;
  readonly schema: (db: string) => string;
  readonly fill: string;
  /** Slows the snapshot down per row, so that a kill lands in the middle of it. */
  readonly slowSnapshot: (db: string) => string;
}

const dialects: Record<SourceKind, Dialect> = {
  postgresql: {
    retype: 'ALTER TABLE shapes ALTER COLUMN bb TYPE numeric(12,2)',
    schema: () => 'public',
    fill: `INSERT INTO big SELECT g, 'v' || g, g FROM generate_series(1, ${ROWS}) g`,
    slowSnapshot: () => `SELECT * FROM public.big WHERE pg_sleep(0.0001)::text = ''`,
  },
  mariadb: {
    retype: 'ALTER TABLE shapes MODIFY bb decimal(12,2) NOT NULL',
    schema: (db) => db,
    fill: `INSERT INTO big SELECT seq, CONCAT('v', seq), seq FROM seq_1_to_${ROWS}`,
    slowSnapshot: (db) => `SELECT * FROM ${db}.big WHERE SLEEP(0.0001) = 0`,
  },
};

async function expectEqual(
  sql: (text: string) => Promise<string[][]>,
  target: Redis,
  table: string,
  columns: readonly string[],
): Promise<void> {
  let summary = '';
  await waitFor(
    `${table} in the target to equal the source`,
    async () => {
      summary = (await compareRows(sql, target, table, columns)).summary;
      if (summary === '') return true;
      throw new Error(summary);
    },
    { timeoutMs: 240_000, intervalMs: 1000 },
  );
  expect(summary).toBe('');
}

describe.each(['postgresql', 'mariadb'] as const)('Debezium Server faults (%s)', (kind) => {
  it('re-snapshot after kill -9 mid-snapshot, kill -9 while streaming, schema changes', async () => {
    const dialect = dialects[kind];
    const stack = await startStack({
      source: kind,
      dir: `${ctx.dir}/${kind}`,
      registry: ctx.registry,
    });
    const sql = (text: string) => stack.source.query(text);
    await sql('CREATE TABLE big (id int PRIMARY KEY, v varchar(40) NOT NULL, n int NOT NULL)');
    await sql(dialect.fill);
    await sql(
      'CREATE TABLE shapes (id int PRIMARY KEY, a varchar(20) NOT NULL, b int NOT NULL, c varchar(20) NOT NULL)',
    );
    const shapeRows = Array.from(
      { length: SHAPES },
      (_, i) => `(${i + 1}, 'a${i + 1}', ${i + 1}, 'c')`,
    );
    await sql(`INSERT INTO shapes VALUES ${shapeRows.join(', ')}`);
    const rdi = new Redis(stack.rdi.url);
    const target = new Redis(stack.target.url);
    try {
      const pipeline = await startPipeline({
        stack,
        dir: `${ctx.dir}/${kind}/pipeline`,
        registry: ctx.registry,
        sourceName: 'src',
        tables: ['big', 'shapes'],
        tableSettings: { big: [`snapshot_sql: "${dialect.slowSnapshot(stack.source.database)}"`] },
        advancedSource: { 'snapshot.fetch.size': '500' },
      });
      const stream = `data:src.${dialect.schema(stack.source.database)}.big`;
      const added = async () => {
        const info = (await rdi.call('XINFO', 'STREAM', stream)) as unknown[];
        return Number(info[info.indexOf('entries-added') + 1]);
      };

      // Phase 1. Freeze Debezium once part of the snapshot is in the stream, then kill it.
      await waitFor('snapshot entries in the stream', async () => (await added()) >= KILL_AFTER, {
        timeoutMs: 180_000,
        intervalMs: 50,
      });
      process.kill(pipeline.debezium.pid, 'SIGSTOP');
      const written = await added();
      await pipeline.debezium.kill();
      // The kill must land mid-snapshot, or this test would prove nothing.
      expect(written).toBeLessThan(ROWS);
      const firstRun = await waitFor(
        'the processor to apply the first rows',
        async () => {
          const run = await target.hget(snapshotStateKey(stream), 'run');
          return (await target.exists('big:id:1', 'big:id:4', 'big:id:100')) === 3
            ? run
            : undefined;
        },
        { timeoutMs: 120_000 },
      );

      // While Debezium is down: deletes of rows already in the target, one of a row not yet
      // copied, an update, an insert.
      await sql('DELETE FROM big WHERE id IN (1, 2, 3, 100, 101)');
      await sql(`DELETE FROM big WHERE id = ${ROWS - 5}`);
      await sql(`UPDATE big SET v = 'changed', n = -4 WHERE id = 4`);
      await sql(`INSERT INTO big VALUES (${ROWS + 1}, 'new', 0)`);

      let collector = await pipeline.startCollector();
      let comparison = await compareRows(sql, target, 'big', ['id', 'v', 'n']);
      await waitFor(
        'the target to equal the source',
        async () => {
          comparison = await compareRows(sql, target, 'big', ['id', 'v', 'n']);
          if (comparison.summary === '') return true;
          throw new Error(comparison.summary);
        },
        { timeoutMs: 240_000, intervalMs: 1000 },
      );
      expect(comparison).toMatchObject({ rows: ROWS - 6 + 1, missing: 0, extra: 0, different: 0 });
      // It was a new snapshot (another Debezium run), and its sweep is over.
      const state = await target.hgetall(snapshotStateKey(stream));
      expect(state.run).not.toBe(firstRun);
      expect(state.swept).toBe('1');

      // Phase 2. Kill -9 while changes stream.
      const workload = startSqlWorkload(sql, {
        seed: SEED,
        initialRows: ROWS,
        table: 'big',
        firstNewId: ROWS + 100,
      });
      for (let kill = 1; kill <= STREAMING_KILLS; kill += 1) {
        await workload.reached(kill * CHANGES_BETWEEN);
        await collector.kill();
        collector = await pipeline.startCollector();
      }
      await workload.reached((STREAMING_KILLS + 1) * CHANGES_BETWEEN);
      await workload.stop();
      await expectEqual(sql, target, 'big', ['id', 'v', 'n']);

      // Phase 3. Schema changes mid-stream.
      const old = (id: number) => ({ id: String(id), a: `a${id}`, b: String(id), c: 'c' });
      expect(await target.hgetall(`shapes:id:${SHAPES}`)).toEqual(old(SHAPES));
      await sql('ALTER TABLE shapes ADD COLUMN d int NOT NULL DEFAULT 7');
      await sql(`INSERT INTO shapes VALUES (${SHAPES + 1}, 'new', 0, 'c', 8)`);
      await sql(`UPDATE shapes SET a = 'x1' WHERE id = 1`);
      await expectHash(target, `shapes:id:${SHAPES + 1}`, {
        ...{ id: String(SHAPES + 1), a: 'new', b: '0', c: 'c', d: '8' },
      });
      await expectHash(target, 'shapes:id:1', { ...old(1), a: 'x1', d: '7' });
      await sql('ALTER TABLE shapes DROP COLUMN c');
      await sql(`UPDATE shapes SET a = 'x2' WHERE id = 2`);
      await expectHash(target, 'shapes:id:2', { id: '2', a: 'x2', b: '2', d: '7' });
      await sql('ALTER TABLE shapes RENAME COLUMN b TO bb');
      await sql(`UPDATE shapes SET a = 'x3' WHERE id = 3`);
      await expectHash(target, 'shapes:id:3', { id: '3', a: 'x3', bb: '3', d: '7' });
      await sql(dialect.retype);
      await sql(`UPDATE shapes SET a = 'x4' WHERE id = 4`);
      await expectHash(target, 'shapes:id:4', { id: '4', a: 'x4', bb: '4.00', d: '7' });
      // A row not changed since the first ALTER keeps its old shape until its next change.
      expect(await target.hgetall('shapes:id:5')).toEqual(old(5));
      await sql(`UPDATE shapes SET a = CONCAT('z', id)`);
      await expectEqual(sql, target, 'shapes', ['id', 'a', 'bb', 'd']);
    } finally {
      // Before the servers stop (after the test), or the clients would keep reconnecting.
      rdi.disconnect();
      target.disconnect();
    }
  });
});
