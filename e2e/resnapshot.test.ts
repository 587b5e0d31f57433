// Issue 9, section 3: Debezium Server killed (-9) in the middle of its initial snapshot; while it
// is down, rows it had already copied are deleted and one is updated; started again, it takes a
// brand-new snapshot, which never emits those deletes. The target must end with exactly the
// source's rows: the sweep at the table's last snapshot row removes the keys the new snapshot
// did not read (processor/snapshot-sweep.ts). PostgreSQL and MariaDB, 20,000 rows each.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startPipeline } from '../harness/pipeline.ts';
import { startStack, type SourceKind } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import { snapshotStateKey } from '../processor/snapshot-sweep.ts';
import { compareRows } from './support/compare-rows.ts';

const ROWS = Number(process.env.SLUICE_RESNAPSHOT_ROWS ?? '20000');
/** Snapshot entries in the stream before Debezium is frozen, then killed. */
const KILL_AFTER = Math.floor(ROWS / 6);

const ctx = useTestContext();

interface Dialect {
  readonly schema: (db: string) => string;
  readonly fill: string;
  /** Slows the snapshot down per row, so that a kill lands in the middle of it. */
  readonly slowSnapshot: (db: string) => string;
}

const dialects: Record<SourceKind, Dialect> = {
  postgresql: {
    schema: () => 'public',
    fill: `INSERT INTO big SELECT g, 'v' || g, g FROM generate_series(1, ${ROWS}) g`,
    slowSnapshot: () => `SELECT * FROM public.big WHERE pg_sleep(0.0001)::text = ''`,
  },
  mariadb: {
    schema: (db) => db,
    fill: `INSERT INTO big SELECT seq, CONCAT('v', seq), seq FROM seq_1_to_${ROWS}`,
    slowSnapshot: (db) => `SELECT * FROM ${db}.big WHERE SLEEP(0.0001) = 0`,
  },
};

describe.each(['postgresql', 'mariadb'] as const)('re-snapshot after a kill (%s)', (kind) => {
  it('ends with exactly the source rows: rows deleted while Debezium was down are swept', async () => {
    const dialect = dialects[kind];
    const stack = await startStack({
      source: kind,
      dir: `${ctx.dir}/${kind}`,
      registry: ctx.registry,
    });
    const sql = (text: string) => stack.source.query(text);
    await sql('CREATE TABLE big (id int PRIMARY KEY, v varchar(40) NOT NULL, n int NOT NULL)');
    await sql(dialect.fill);
    const rdi = new Redis(stack.rdi.url);
    const target = new Redis(stack.target.url);
    try {
      const pipeline = await startPipeline({
        stack,
        dir: `${ctx.dir}/${kind}/pipeline`,
        registry: ctx.registry,
        sourceName: 'src',
        tables: ['big'],
        tableSettings: { big: [`snapshot_sql: "${dialect.slowSnapshot(stack.source.database)}"`] },
        advancedSource: { 'snapshot.fetch.size': '500' },
      });
      const stream = `data:src.${dialect.schema(stack.source.database)}.big`;
      const added = async () => {
        const info = (await rdi.call('XINFO', 'STREAM', stream)) as unknown[];
        return Number(info[info.indexOf('entries-added') + 1]);
      };

      // Freeze Debezium once part of the snapshot is in the stream, then kill it.
      await waitFor('snapshot entries in the stream', async () => (await added()) >= KILL_AFTER, {
        timeoutMs: 180_000,
        intervalMs: 50,
      });
      process.kill(pipeline.debezium.pid, 'SIGSTOP');
      const written = await added();
      await pipeline.debezium.kill();
      // The kill must land mid-snapshot, or this test would prove nothing.
      expect(written).toBeLessThan(ROWS);
      const firstRun = await waitFor('the processor to apply the first rows', async () => {
        const run = await target.hget(snapshotStateKey(stream), 'run');
        return (await target.exists('big:id:1', 'big:id:4', 'big:id:100')) === 3 ? run : undefined;
      });

      // While Debezium is down: deletes of rows already in the target, one of a row not yet
      // copied, an update, an insert.
      await sql('DELETE FROM big WHERE id IN (1, 2, 3, 100, 101)');
      await sql(`DELETE FROM big WHERE id = ${ROWS - 5}`);
      await sql(`UPDATE big SET v = 'changed', n = -4 WHERE id = 4`);
      await sql(`INSERT INTO big VALUES (${ROWS + 1}, 'new', 0)`);

      await pipeline.startCollector();
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

      // Streaming goes on after the sweep.
      await sql('DELETE FROM big WHERE id = 5');
      await waitFor('the delete to arrive', async () => (await target.exists('big:id:5')) === 0, {
        timeoutMs: 120_000,
      });
    } finally {
      // Before the servers stop (after the test), or the clients would keep reconnecting.
      rdi.disconnect();
      target.disconnect();
    }
  });
});
