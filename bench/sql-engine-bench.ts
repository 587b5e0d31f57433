// SQL expressions: the cost of one evaluation through Sluice's engine (processor/jobs/
// sql-expression.ts on node:sqlite), and the raw cost of the same prepared statement on
// node:sqlite and, when SLUICE_BETTER_SQLITE3 names an installed better-sqlite3 package
// folder, on better-sqlite3 (the npm binding it was measured against). Median of 5 rounds.
//   node bench/sql-engine-bench.ts
//   SLUICE_BETTER_SQLITE3=/tmp/sqlbench/node_modules/better-sqlite3 node bench/sql-engine-bench.ts
import { createRequire } from 'node:module';
import { DatabaseSync } from 'node:sqlite';
import { DEFAULT_LIMITS } from '../processor/core/jobs/expression.ts';
import { compileSql } from '../processor/jobs/sql-expression.ts';

const N = 200_000;
const ROUNDS = 5;
const EXPRESSION =
  "upper(first_name) || ' ' || last_name || ' ' || strftime('%Y-%m-%d', ts / 1000, 'unixepoch')";
const SQL = `WITH r("first_name","last_name","ts") AS (VALUES (?,?,?)) SELECT ${EXPRESSION} FROM r`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Microseconds per call of `run(i)`, median of ROUNDS rounds of N calls after a warm-up. */
function measure(run: (i: number) => unknown): number {
  for (let i = 0; i < 20_000; i += 1) run(i);
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r += 1) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < N; i += 1) run(i);
    rounds.push(Number(process.hrtime.bigint() - start) / N / 1000);
  }
  return median(rounds);
}

const rows = Array.from({ length: 1000 }, (_, i) => ({
  first_name: `ada${i}`,
  last_name: 'lovelace',
  ts: 1_749_047_572_000 + i,
}));
const row = (i: number) => rows[i % rows.length] ?? { first_name: '', last_name: '', ts: 0 };

const sluice = compileSql(EXPRESSION, DEFAULT_LIMITS);
const context = { now: 0, uuid: () => '' };
const results: [string, number][] = [
  [
    'Sluice compileSql (bind record, step, convert)',
    measure((i) => sluice.evaluate(row(i), context)),
  ],
];

const nodeDb = new DatabaseSync(':memory:');
const nodeStatement = nodeDb.prepare(SQL);
nodeStatement.setReturnArrays(true);
results.push([
  'node:sqlite, raw prepared statement',
  measure((i) => {
    const r = row(i);
    return nodeStatement.get(r.first_name, r.last_name, BigInt(r.ts));
  }),
]);

const betterPath = process.env['SLUICE_BETTER_SQLITE3'];
if (betterPath !== undefined) {
  type Better = new (file: string) => {
    prepare(sql: string): { raw(on: boolean): { get(...args: unknown[]): unknown } };
  };
  const Database = createRequire(import.meta.url)(betterPath) as Better;
  const statement = new Database(':memory:').prepare(SQL).raw(true);
  results.push([
    'better-sqlite3, raw prepared statement',
    measure((i) => {
      const r = row(i);
      return statement.get(r.first_name, r.last_name, BigInt(r.ts));
    }),
  ]);
}

console.log(`| engine | µs per evaluation (median of ${ROUNDS} × ${N}) |\n|---|---|`);
for (const [name, us] of results) console.log(`| ${name} | ${us.toFixed(2)} |`);
