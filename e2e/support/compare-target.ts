// Compares the target Redis with the source database, key by key and field by field, using
// the default job's rendering (table:pk:value hashes, NULL fields absent). Returns a short
// description of the differences, or '' when they are equal.
import type { Redis } from 'ioredis';
import type { Client } from 'pg';
import { isDeepStrictEqual } from 'node:util';
import { scanKeys } from '../../common/redis-scan.ts';
import { waitFor } from '../../harness/wait-for.ts';

export interface TableShape {
  readonly table: string;
  readonly keyColumns: readonly string[];
}

async function expectedRows(
  db: Client,
  shape: TableShape,
): Promise<Map<string, Record<string, string>>> {
  // Casting every column to text in SQL gives PostgreSQL's own text form, which is the
  // documented hash rendering for the column types these tests use (int, numeric, text).
  const result = await db.query<Record<string, string | boolean | null>>(
    `SELECT * FROM ${shape.table}`,
  );
  const rows = new Map<string, Record<string, string>>();
  for (const row of result.rows) {
    const fields: Record<string, string> = {};
    for (const [column, value] of Object.entries(row)) {
      if (value === null) continue;
      fields[column] = String(value);
    }
    const key = [shape.table, ...shape.keyColumns.flatMap((c) => [c, fields[c] ?? ''])].join(':');
    rows.set(key, fields);
  }
  return rows;
}

async function actualRows(
  target: Redis,
  table: string,
): Promise<Map<string, Record<string, string>>> {
  const keys = await scanKeys(target, `${table}:*`);
  const pipeline = target.pipeline();
  for (const key of keys) pipeline.hgetall(key);
  const replies = (await pipeline.exec()) ?? [];
  const rows = new Map<string, Record<string, string>>();
  keys.forEach((key, i) => rows.set(key, (replies[i]?.[1] ?? {}) as Record<string, string>));
  return rows;
}

export async function differences(
  db: Client,
  target: Redis,
  shapes: readonly TableShape[],
): Promise<string> {
  const problems: string[] = [];
  let compared = 0;
  for (const shape of shapes) {
    const [expected, actual] = await Promise.all([
      expectedRows(db, shape),
      actualRows(target, shape.table),
    ]);
    for (const [key, fields] of expected) {
      compared += 1;
      const got = actual.get(key);
      if (got === undefined) problems.push(`missing ${key}`);
      else if (!isDeepStrictEqual(got, fields))
        problems.push(`${key}: want ${JSON.stringify(fields)} got ${JSON.stringify(got)}`);
    }
    for (const key of actual.keys()) if (!expected.has(key)) problems.push(`extra ${key}`);
  }
  if (problems.length === 0) return '';
  return `${problems.length} differences among ${compared} rows, e.g. ${problems.slice(0, 5).join('; ')}`;
}

/** Waits until the target equals the source; fails with the differences left at the end. */
export async function waitUntilEqual(
  db: Client,
  target: Redis,
  shapes: readonly TableShape[],
  opts: { timeoutMs: number; intervalMs?: number },
): Promise<void> {
  await waitFor(
    'the target to equal the source',
    async () => {
      const diff = await differences(db, target, shapes);
      if (diff === '') return true;
      throw new Error(diff);
    },
    { timeoutMs: opts.timeoutMs, intervalMs: opts.intervalMs ?? 1000 },
  );
}
