// The documented hash rendering of each row of the all-types tables, read from the converters'
// fixtures (processor/fixtures/*.hash.json): the e2e tests and the unit tests share one truth.
// Streaming rows (id + 100) render the same as their snapshot twins.
import type { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';

export type ExpectedRows = Readonly<Record<string, Readonly<Record<string, string>>>>;

export function expectedHashes(name: 'postgresql-all-types' | 'mariadb-all-types'): ExpectedRows {
  const url = new URL(`../../processor/fixtures/${name}.hash.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as ExpectedRows;
}

/** The expected hash of row `id + offset`: the row of `id` with its key shifted. */
export function shifted(
  row: Readonly<Record<string, string>>,
  offset: number,
): Record<string, string> {
  return { ...row, id: String(Number(row['id']) + offset) };
}

/**
 * Where Debezium's streaming differs from its snapshot: a PostgreSQL date BC read by the
 * snapshot (JDBC) loses its era (4713 BC arrives as 4713 AD); pgoutput's text keeps it.
 */
export const POSTGRES_STREAMING_DIFFERENCES: ExpectedRows = {
  '2': { c_date: '-004712-01-01' },
};

/**
 * Every field that differs from the expected rows (ids shifted by `offset`), as
 * `key.field → [seen, expected]`: one report of all mismatches rather than the first.
 */
export async function hashDifferences(
  target: Redis,
  table: string,
  rows: ExpectedRows,
  offset: number,
): Promise<Record<string, [string | undefined, string | undefined]>> {
  const found: Record<string, [string | undefined, string | undefined]> = {};
  for (const row of Object.values(rows)) {
    const want = shifted(row, offset);
    const key = `${table}:id:${want['id']}`;
    const seen = await target.hgetall(key);
    for (const field of new Set([...Object.keys(want), ...Object.keys(seen)])) {
      if (seen[field] !== want[field]) found[`${key}.${field}`] = [seen[field], want[field]];
    }
  }
  return found;
}
