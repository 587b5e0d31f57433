// The entry size estimate against entries captured from the real Debezium Server
// 3.6.1 (processor/fixtures), measured as its Redis sink measures them; and the deploy warning.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MARIADB_TYPE_COLUMNS } from '../../e2e/support/type-table-mariadb.ts';
import { POSTGRES_TYPE_COLUMNS } from '../../e2e/support/type-table-postgres.ts';
import { estimatedEntryBytes } from './entry-size-estimate.ts';
import { MAXMEMORY_TOO_SMALL, maxMemoryWarning } from './maxmemory-check.ts';
import { entrySize } from './sink-memory-watch.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'processor', 'fixtures');
const STREAM = 'data:hybrid.sluice.all_types';
const MB = 1024 ** 2;

function measured(kind: string): number[] {
  return readFileSync(join(FIXTURES, `${kind}-all-types-compact.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, string>)
    .map((entry) =>
      entrySize(
        STREAM,
        Object.entries(entry)
          .filter(([field]) => field !== 'id')
          .flat(),
      ),
    );
}

describe('estimatedEntryBytes', () => {
  it.each([
    ['postgresql', POSTGRES_TYPE_COLUMNS],
    ['mariadb', MARIADB_TYPE_COLUMNS],
  ] as const)(
    'estimates %s all-types entries near the largest captured one, above the mean',
    (kind, columns) => {
      const table = {
        name: 'all_types',
        primary_key: ['id'],
        columns: [
          { name: 'id', type: 'integer', nullable: false },
          ...columns.map(([name, type]) => ({ name, type, nullable: true })),
        ],
      };
      const estimate = estimatedEntryBytes(table, STREAM);
      const sizes = measured(kind);
      expect(sizes.length).toBeGreaterThan(4);
      // Rows differ by ±15% (the row of nulls is the smallest): the estimate errs on the large
      // side, as a warning too many is cheaper than a stall unwarned.
      const largest = Math.max(...sizes);
      const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
      expect(Math.abs(estimate - largest) / largest).toBeLessThan(0.1);
      expect(estimate).toBeGreaterThan(mean);
    },
  );
});

describe('maxMemoryWarning', () => {
  const tables = [
    { table: 'public.narrow', bytes: 3_000 },
    { table: 'public.wide', bytes: 9_300 },
  ];

  it('names the widest table, the rule and the maxmemory it needs', () => {
    const warning = maxMemoryWarning({
      usedMemory: MB,
      maxMemory: 256 * MB,
      fillRate: 30_000,
      tables,
    });
    expect(warning?.code).toBe(MAXMEMORY_TOO_SMALL);
    expect(warning?.message).toContain('entries of public.wide (estimated 9,300 B');
    // (1 MB + 9,300 × 30,000) × 1.25 = 333.9 MB.
    expect(warning?.remediation).toContain('at least 334 MB');
  });

  it('is quiet when maxmemory suffices, is 0 (no limit), or no table is known', () => {
    expect(
      maxMemoryWarning({ usedMemory: MB, maxMemory: 1024 * MB, fillRate: 30_000, tables }),
    ).toBeUndefined();
    expect(
      maxMemoryWarning({ usedMemory: MB, maxMemory: 0, fillRate: 30_000, tables }),
    ).toBeUndefined();
    expect(
      maxMemoryWarning({ usedMemory: MB, maxMemory: MB, fillRate: 30_000, tables: [] }),
    ).toBeUndefined();
    // A lower buffer fill rate given in advanced.sink changes the rule.
    expect(
      maxMemoryWarning({ usedMemory: MB, maxMemory: 256 * MB, fillRate: 1_000, tables }),
    ).toBeUndefined();
  });
});
