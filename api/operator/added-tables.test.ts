import { describe, expect, it } from 'vitest';
import { addedTables, parseCapturedTables, snapshotSignalLine } from './added-tables.ts';

const record = { source: 'src', tables: ['public.a'], pending: [] };

describe('addedTables', () => {
  it('signals the tables that joined `tables:` while Debezium resumes from its offsets', () => {
    const next = addedTables({
      record,
      source: 'src',
      tables: ['public.a', 'public.b', 'public.c'],
      resumes: true,
    });
    expect(next).toEqual({
      source: 'src',
      tables: ['public.a', 'public.b', 'public.c'],
      pending: ['public.b', 'public.c'],
    });
  });

  it('signals nothing when the set did not grow (same, smaller, or reordered)', () => {
    for (const tables of [['public.a'], [], ['public.a']]) {
      expect(addedTables({ record, source: 'src', tables, resumes: true }).pending).toEqual([]);
    }
  });

  it('signals nothing without offsets: the initial snapshot reads every table', () => {
    const next = addedTables({
      record,
      source: 'src',
      tables: ['public.a', 'public.b'],
      resumes: false,
    });
    expect(next).toEqual({ source: 'src', tables: ['public.a', 'public.b'], pending: [] });
  });

  it('signals nothing without a record, or with the record of another source', () => {
    for (const previous of [undefined, { ...record, source: 'other' }]) {
      const next = addedTables({
        record: previous,
        source: 'src',
        tables: ['public.a', 'public.b'],
        resumes: true,
      });
      expect(next.pending).toEqual([]);
    }
  });

  it('keeps a pending table until its snapshot completes, unless it was removed again', () => {
    const pending = { source: 'src', tables: ['public.a', 'public.b'], pending: ['public.b'] };
    expect(
      addedTables({ record: pending, source: 'src', tables: pending.tables, resumes: true })
        .pending,
    ).toEqual(['public.b']);
    expect(
      addedTables({ record: pending, source: 'src', tables: ['public.a'], resumes: true }).pending,
    ).toEqual([]);
  });
});

describe('snapshotSignalLine', () => {
  it('asks for a blocking snapshot of exactly these tables (ids escaped as regexes)', () => {
    const line = snapshotSignalLine('sig-1', ['public.b', 'db.t$x']);
    expect(JSON.parse(line)).toEqual({
      id: 'sig-1',
      type: 'execute-snapshot',
      data: { 'data-collections': ['public\\.b', 'db\\.t\\$x'], type: 'blocking' },
    });
    expect(line).not.toContain('\n');
  });

  it("carries a table's snapshot_sql as its additional condition", () => {
    const selects = new Map([['public.b', 'SELECT * FROM public.b WHERE n > 0']]);
    expect(JSON.parse(snapshotSignalLine('sig-2', ['public.b', 'public.c'], selects))).toEqual({
      id: 'sig-2',
      type: 'execute-snapshot',
      data: {
        'data-collections': ['public\\.b', 'public\\.c'],
        type: 'blocking',
        'additional-conditions': [
          { 'data-collection': 'public.b', filter: 'SELECT * FROM public.b WHERE n > 0' },
        ],
      },
    });
  });
});

describe('parseCapturedTables', () => {
  it('reads what addedTables wrote and refuses anything else', () => {
    const stored = { source: 'src', tables: ['public.a'], pending: ['public.a'] };
    expect(parseCapturedTables(JSON.stringify(stored))).toEqual(stored);
    expect(parseCapturedTables(null)).toBeUndefined();
    expect(parseCapturedTables('{')).toBeUndefined();
    expect(parseCapturedTables(JSON.stringify({ ...stored, tables: [1] }))).toBeUndefined();
  });
});
