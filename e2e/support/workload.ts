// A seeded workload of inserts, updates, deletes and primary-key changes across three
// tables (one with a composite key), committed in small transactions through a real
// PostgreSQL client. Fault tests run it while they break things, then compare target and source.
import type { Client } from 'pg';

export const WORKLOAD_SCHEMA = `
  CREATE TABLE accounts (id integer PRIMARY KEY, owner text NOT NULL, balance numeric(14,2) NOT NULL,
    active boolean NOT NULL, note text);
  CREATE TABLE events (id bigint PRIMARY KEY, account_id integer NOT NULL, kind text NOT NULL,
    amount numeric(10,2), payload text);
  CREATE TABLE holdings (account_id integer, symbol text, quantity integer NOT NULL,
    PRIMARY KEY (account_id, symbol));
`;

export const WORKLOAD_TABLES = ['accounts', 'events', 'holdings'] as const;

/** Mulberry32: a small deterministic PRNG, so a failing run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'RHT', 'ORCL', 'IBM', 'SAP', 'ASML'];

interface Model {
  accounts: Set<number>;
  events: Set<number>;
  holdings: Set<string>;
  nextAccount: number;
  nextEvent: number;
}

function pickFrom<T>(items: Set<T>, random: () => number): T | undefined {
  if (items.size === 0) return undefined;
  const index = Math.floor(random() * items.size);
  let i = 0;
  for (const item of items) if (i++ === index) return item;
  return undefined;
}

/** One random change as SQL with parameters, keeping `model` in step with the database. */
function nextChange(model: Model, random: () => number): [string, unknown[]] {
  const roll = random();
  const account = pickFrom(model.accounts, random);
  if (roll < 0.25 || account === undefined) {
    const id = model.nextAccount++;
    model.accounts.add(id);
    return [
      'INSERT INTO accounts VALUES ($1, $2, $3, $4, $5)',
      [
        id,
        `owner-${id}`,
        (random() * 1e6).toFixed(2),
        random() < 0.5,
        random() < 0.3 ? null : `n${id}`,
      ],
    ];
  }
  if (roll < 0.45) {
    const id = model.nextEvent++;
    model.events.add(id);
    return [
      'INSERT INTO events VALUES ($1, $2, $3, $4, $5)',
      [
        id,
        account,
        random() < 0.5 ? 'deposit' : 'withdrawal',
        (random() * 1e4).toFixed(2),
        'x'.repeat(Math.floor(random() * 200)),
      ],
    ];
  }
  if (roll < 0.6) {
    const symbol = SYMBOLS[Math.floor(random() * SYMBOLS.length)] ?? 'AAPL';
    model.holdings.add(`${account}|${symbol}`);
    return [
      `INSERT INTO holdings VALUES ($1, $2, $3)
       ON CONFLICT (account_id, symbol) DO UPDATE SET quantity = holdings.quantity + EXCLUDED.quantity`,
      [account, symbol, 1 + Math.floor(random() * 100)],
    ];
  }
  if (roll < 0.8) {
    return [
      'UPDATE accounts SET balance = $2, active = $3, note = $4 WHERE id = $1',
      [
        account,
        (random() * 1e6).toFixed(2),
        random() < 0.5,
        random() < 0.3 ? null : `u${Math.floor(random() * 1e6)}`,
      ],
    ];
  }
  if (roll < 0.87) {
    const event = pickFrom(model.events, random);
    if (event === undefined) return ['SELECT 1', []];
    model.events.delete(event);
    return ['DELETE FROM events WHERE id = $1', [event]];
  }
  if (roll < 0.93) {
    const holding = pickFrom(model.holdings, random);
    if (holding === undefined) return ['SELECT 1', []];
    model.holdings.delete(holding);
    const [accountId, symbol] = holding.split('|');
    return [
      'DELETE FROM holdings WHERE account_id = $1 AND symbol = $2',
      [Number(accountId), symbol],
    ];
  }
  if (roll < 0.97) {
    // A primary-key change: Debezium sends it as a delete of the old key and a create.
    const event = pickFrom(model.events, random);
    if (event === undefined) return ['SELECT 1', []];
    const id = model.nextEvent++;
    model.events.delete(event);
    model.events.add(id);
    return ['UPDATE events SET id = $2 WHERE id = $1', [event, id]];
  }
  // Deleting an account also removes its events and holdings from the model's view.
  model.accounts.delete(account);
  return ['DELETE FROM accounts WHERE id = $1', [account]];
}

export interface WorkloadRun {
  readonly changes: number;
  /** Changes per transaction. */
  readonly perTransaction?: number;
  /** Called after each transaction with the number of changes made so far in this run. */
  readonly onProgress?: (done: number) => Promise<void> | void;
}

export interface Workload {
  /** Makes more changes, continuing from the state earlier runs left. */
  run(db: Client, opts: WorkloadRun): Promise<void>;
}

export function createWorkload(seed: number): Workload {
  const random = seededRandom(seed);
  const model: Model = {
    accounts: new Set(),
    events: new Set(),
    holdings: new Set(),
    nextAccount: 1,
    nextEvent: 1,
  };
  return {
    run: async (db, opts) => {
      const perTransaction = opts.perTransaction ?? 20;
      let done = 0;
      while (done < opts.changes) {
        await db.query('BEGIN');
        try {
          for (let i = 0; i < perTransaction && done < opts.changes; i++, done++) {
            const [sql, params] = nextChange(model, random);
            await db.query(sql, params);
          }
          await db.query('COMMIT');
        } catch (error) {
          await db.query('ROLLBACK');
          throw error;
        }
        await opts.onProgress?.(done);
      }
    },
  };
}

/** One whole workload run from a fresh model (tables empty). */
export async function runWorkload(db: Client, opts: WorkloadRun & { seed: number }): Promise<void> {
  await createWorkload(opts.seed).run(db, opts);
}
