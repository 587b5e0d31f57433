// Compares one table of the source with its default-job hashes in the target, key by key and
// field by field, reading the source through the harness's `query` (text values, as the
// default job renders int and text columns). Counts what is missing, extra and different.
import type { Redis } from 'ioredis';
import { isDeepStrictEqual } from 'node:util';
import { globEscape, scanKeys } from '../../common/redis-scan.ts';
import { waitFor } from '../../harness/wait-for.ts';

export interface RowComparison {
  readonly rows: number;
  readonly missing: number;
  readonly extra: number;
  readonly different: number;
  /** '' when the target equals the source; else a few examples. */
  readonly summary: string;
}

export async function compareRows(
  query: (sql: string) => Promise<string[][]>,
  target: Redis,
  table: string,
  columns: readonly string[],
): Promise<RowComparison> {
  const [keyColumn] = columns;
  if (keyColumn === undefined) throw new Error('compareRows needs the key column first');
  const expected = new Map<string, Record<string, string>>();
  for (const values of await query(`SELECT ${columns.join(', ')} FROM ${table}`)) {
    const fields = Object.fromEntries(columns.map((c, i) => [c, values[i] ?? '']));
    expected.set(`${table}:${keyColumn}:${fields[keyColumn]}`, fields);
  }
  const keys = await scanKeys(target, `${globEscape(table)}:${globEscape(keyColumn)}:*`);
  const pipeline = target.pipeline();
  for (const key of keys) pipeline.hgetall(key);
  const replies = (await pipeline.exec()) ?? [];
  const problems: string[] = [];
  let missing = 0;
  let extra = 0;
  let different = 0;
  const seen = new Set<string>();
  keys.forEach((key, i) => {
    seen.add(key);
    const got = replies[i]?.[1] as Record<string, string> | undefined;
    const want = expected.get(key);
    if (want === undefined) {
      extra += 1;
      problems.push(`extra ${key}`);
    } else if (!isDeepStrictEqual(got, want)) {
      different += 1;
      problems.push(`${key}: want ${JSON.stringify(want)} got ${JSON.stringify(got)}`);
    }
  });
  for (const key of expected.keys()) {
    if (seen.has(key)) continue;
    missing += 1;
    problems.push(`missing ${key}`);
  }
  const summary =
    problems.length === 0
      ? ''
      : `${problems.length} differences among ${expected.size} rows of ${table} (missing ${missing}, extra ${extra}, different ${different}), e.g. ${problems.slice(0, 5).join('; ')}`;
  return { rows: expected.size, missing, extra, different, summary };
}

/** Waits until `table` in the target equals the source; rejects with the last differences. */
export async function waitForRowsEqual(
  query: (sql: string) => Promise<string[][]>,
  target: Redis,
  table: string,
  columns: readonly string[],
  timeoutMs = 240_000,
): Promise<RowComparison> {
  return waitFor(
    `${table} in the target to equal the source`,
    async () => {
      const comparison = await compareRows(query, target, table, columns);
      if (comparison.summary === '') return comparison;
      throw new Error(comparison.summary);
    },
    { timeoutMs, intervalMs: 1000 },
  );
}
