// Offers a paced rate of row updates from several client sessions (autocommit, synchronous
// commit): session s updates rows of table s mod T, cycling through its own id range, each
// statement setting updated_at = clock_timestamp(). A session behind its schedule issues the
// next statement at once, so the achieved rate shows when the client or the database is the
// limit. With `record`, each changed row's commit-side time (updated_at, ms) is kept per key.
import pg from 'pg';
import type { PostgresInstance } from '../../harness/postgres.ts';
import type { BenchTable } from '../bench-tables.ts';

export interface LoadOptions {
  readonly pg: PostgresInstance;
  readonly tables: readonly BenchTable[];
  readonly sessions: number;
  /** Offered changes (rows updated) per second, over all sessions. */
  readonly rate: number;
  readonly seconds: number;
  readonly rowsPerStatement: number;
  /** Rows 1..rowsPerTable of every table exist. */
  readonly rowsPerTable: number;
  /** Keep `<table>:id:<id>` → updated_at in ms for every changed row. */
  readonly record: boolean;
  /** Counts committed changes as they happen, for a sampler running beside the load. */
  readonly counter?: { changes: number };
}

export interface LoadResult {
  readonly changes: number;
  readonly seconds: number;
  /** `<table>:id:<id>` → updated_at (epoch ms, fractional), when `record`. */
  readonly commits: Map<string, number>;
}

export type Sessions = pg.Client[];

export async function openSessions(instance: PostgresInstance, count: number): Promise<Sessions> {
  const { host, port, user, password, database } = instance;
  const clients = Array.from(
    { length: count },
    () => new pg.Client({ host, port, user, password, database }),
  );
  for (const client of clients) {
    await client.connect();
    // updated_at is a timestamp without zone: UTC makes its epoch the commit's real time.
    await client.query(`SET TIME ZONE 'UTC'; SET synchronous_commit = on`);
  }
  return clients;
}

export async function closeSessions(sessions: Sessions): Promise<void> {
  await Promise.all(sessions.map((c) => c.end()));
}

/** Where each session of a run with `sessions` sessions starts: advanced run after run. */
export class IdCursor {
  readonly #next: number[];
  readonly #span: number;
  constructor(sessions: number, tables: number, rowsPerTable: number) {
    this.#span = Math.floor(rowsPerTable / Math.ceil(sessions / tables));
    if (this.#span < 1) throw new Error('too few rows per table for the sessions');
    this.#next = Array.from({ length: sessions }, () => 0);
  }
  /** The next `count` ids of session `s` (wrapping within its range). */
  take(s: number, count: number, tables: number): number {
    const slot = Math.floor(s / tables);
    const offset = this.#next[s] ?? 0;
    const start = offset + count > this.#span ? 0 : offset;
    this.#next[s] = start + count;
    return 1 + slot * this.#span + start;
  }
}

export async function offerLoad(
  sessions: Sessions,
  cursor: IdCursor,
  opts: LoadOptions,
): Promise<LoadResult> {
  const commits = new Map<string, number>();
  const intervalMs = (1_000 * opts.rowsPerStatement * sessions.length) / opts.rate;
  const statements = Math.max(1, Math.round((opts.seconds * 1_000) / intervalMs));
  const started = performance.now();
  let changes = 0;
  await Promise.all(
    sessions.map(async (client, s) => {
      const table = opts.tables[s % opts.tables.length];
      if (table === undefined) throw new Error('no table');
      const sql = `UPDATE ${table.name} SET updated_at = clock_timestamp() WHERE id BETWEEN $1 AND $2${
        opts.record ? ' RETURNING id, extract(epoch FROM updated_at) * 1000 AS at' : ''
      }`;
      // Sessions start spread over one interval, not all at once.
      const phase = (intervalMs * s) / sessions.length;
      for (let k = 0; k < statements; k++) {
        const due = started + phase + k * intervalMs;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const first = cursor.take(s, opts.rowsPerStatement, opts.tables.length);
        const result = await client.query<{ id: string; at: string }>(sql, [
          first,
          first + opts.rowsPerStatement - 1,
        ]);
        changes += result.rowCount ?? 0;
        if (opts.counter !== undefined) opts.counter.changes += result.rowCount ?? 0;
        if (opts.record) {
          for (const row of result.rows) commits.set(`${table.name}:id:${row.id}`, Number(row.at));
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1_000;
  return { changes, seconds, commits };
}
