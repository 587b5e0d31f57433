// A seeded workload for either source through the harness's `query` (psql or the mariadb
// client): inserts, updates, deletes and primary-key changes of a table (id, v, n) in small
// transactions, in the background until stopped. Fault tests run it while they break things,
// then compare target and source with compareRows.
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from './workload.ts';

export const ITEMS_TABLE =
  'CREATE TABLE items (id int PRIMARY KEY, v varchar(40) NOT NULL, n int NOT NULL)';
export const ITEMS_COLUMNS = ['id', 'v', 'n'] as const;

export interface SqlWorkload {
  /** Changes committed so far. */
  readonly changes: number;
  /**
   * Change records those changes make Debezium emit: one per insert, update and delete, two
   * for a primary-key change (delete + create). Exact when ids 1…initialRows all exist.
   */
  readonly records: number;
  /**
   * The identity of each change record committed so far, in order: `c:<id>` for an insert,
   * `u:<v>` for an update (v is unique per update), `d:<id>` for a delete, and `d:<old>` +
   * `c:<new>` for a primary-key change (e2e/support/stream-tail.ts reads the same from the stream).
   */
  readonly identities: readonly string[];
  /** Resolves once at least `count` changes are committed (or the workload failed). */
  reached(count: number): Promise<void>;
  /** Pauses after the transaction under way; resolves once nothing is being committed. */
  pause(): Promise<void>;
  resume(): void;
  /** Stops after the transaction under way; resolves with the changes committed. */
  stop(): Promise<number>;
}

/** `rows` initial rows (ids 1…rows), as one INSERT. */
export function itemsFill(rows: number): string {
  const values = Array.from({ length: rows }, (_, i) => `(${i + 1}, 'v${i + 1}', 0)`);
  return `INSERT INTO items VALUES ${values.join(', ')}`;
}

/**
 * Starts committing transactions of `perTransaction` changes to `items` (which holds ids
 * 1…initialRows), with a short pause between them so that the source is not saturated.
 */
export function startSqlWorkload(
  query: (sql: string) => Promise<unknown>,
  opts: {
    seed: number;
    initialRows: number;
    /** Default `items`; the table has columns (id, v, n). */
    table?: string;
    /** First id an insert uses; default initialRows + 1. */
    firstNewId?: number;
    perTransaction?: number;
    pauseMs?: number;
  },
): SqlWorkload {
  const random = seededRandom(opts.seed);
  const table = opts.table ?? 'items';
  // Ids 1…initialRows that no longer exist only make an update or delete change nothing.
  const ids = Array.from({ length: opts.initialRows }, (_, i) => i + 1);
  let nextId = opts.firstNewId ?? opts.initialRows + 1;
  let changes = 0;
  let records = 0;
  let pending = 0;
  const identities: string[] = [];
  let pendingIdentities: string[] = [];
  const state = { stopping: false, paused: false, idle: true };
  let failure: unknown;
  const waiters: { count: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  const settle = () => {
    for (const w of [...waiters]) {
      if (failure === undefined && changes < w.count) continue;
      waiters.splice(waiters.indexOf(w), 1);
      if (failure === undefined) w.resolve();
      else w.reject(failure);
    }
  };
  const take = (): number => {
    const at = Math.floor(random() * ids.length);
    const [id] = ids.splice(at, 1);
    return id ?? 0;
  };
  const change = (seq: number): string => {
    const roll = random();
    if (roll < 0.35 || ids.length < 10) {
      const id = nextId++;
      ids.push(id);
      pending += 1;
      pendingIdentities.push(`c:${id}`);
      return `INSERT INTO ${table} VALUES (${id}, 'i${seq}', 0)`;
    }
    if (roll < 0.75) {
      const id = ids[Math.floor(random() * ids.length)] ?? 0;
      pending += 1;
      pendingIdentities.push(`u:u${seq}`);
      return `UPDATE ${table} SET v = 'u${seq}', n = n + 1 WHERE id = ${id}`;
    }
    if (roll < 0.93) {
      pending += 1;
      const id = take();
      pendingIdentities.push(`d:${id}`);
      return `DELETE FROM ${table} WHERE id = ${id}`;
    }
    pending += 2;
    const from = take();
    const to = nextId++;
    ids.push(to);
    pendingIdentities.push(`d:${from}`, `c:${to}`);
    return `UPDATE ${table} SET id = ${to} WHERE id = ${from}`;
  };
  const perTransaction = opts.perTransaction ?? 20;
  const running = (async () => {
    try {
      while (!state.stopping) {
        if (state.paused) {
          state.idle = true;
          await sleep(20);
          continue;
        }
        state.idle = false;
        pending = 0;
        pendingIdentities = [];
        const statements = Array.from({ length: perTransaction }, (_, i) => change(changes + i));
        await query(['BEGIN', ...statements, 'COMMIT'].join(';\n') + ';');
        changes += perTransaction;
        records += pending;
        identities.push(...pendingIdentities);
        settle();
        state.idle = true;
        await sleep(opts.pauseMs ?? 50);
      }
    } catch (error) {
      failure = error;
      settle();
    }
  })();
  return {
    get changes() {
      return changes;
    },
    get records() {
      return records;
    },
    get identities() {
      return identities;
    },
    reached: (count) =>
      new Promise((resolve, reject) => {
        waiters.push({ count, resolve, reject });
        settle();
      }),
    pause: async () => {
      state.paused = true;
      while (!state.idle) await sleep(10);
    },
    resume: () => {
      state.paused = false;
    },
    stop: async () => {
      state.stopping = true;
      await running;
      if (failure !== undefined)
        throw failure instanceof Error
          ? failure
          : new Error('the workload failed', { cause: failure });
      return changes;
    },
  };
}
