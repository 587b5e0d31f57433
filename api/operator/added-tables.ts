// Which tables a collector must snapshot on its own because `tables:` gained them while the
// pipeline already streamed. Debezium resumes from its offsets and never snapshots a table that
// joins its include list; an `execute-snapshot` signal of type `blocking` for exactly those
// tables copies their rows, then streaming resumes where it paused. Pure: the record in, the
// record and the signal out.

import { regexEscape } from '../../debezium-config/render-table-filters.ts';

/** What the RDI database remembers of the captured set (JSON, one per pipeline). */
export interface CapturedTables {
  /** The source the set belongs to: a renamed source starts from a new snapshot anyway. */
  readonly source: string;
  /** Debezium data-collection ids the collector was last started with. */
  readonly tables: readonly string[];
  /** Added tables whose snapshot was asked for and not yet seen completed. */
  readonly pending: readonly string[];
}

export interface AddedTablesInput {
  readonly record: CapturedTables | undefined;
  readonly source: string;
  /** The tables the collector is about to be started with. */
  readonly tables: readonly string[];
  /** Debezium has offsets: it will resume streaming instead of taking an initial snapshot. */
  readonly resumes: boolean;
}

/** The record to store before the collector starts; `pending` are the tables to signal. */
export function addedTables(input: AddedTablesInput): CapturedTables {
  const { record, source, tables } = input;
  // No offsets (first start, after a reset): the initial snapshot reads every table. No record,
  // or one of another source: nothing tells which tables were captured, so none is added.
  if (!input.resumes || record === undefined || record.source !== source) {
    return { source, tables: [...tables], pending: [] };
  }
  const known = new Set(record.tables);
  const wanted = new Set([...record.pending, ...tables.filter((t) => !known.has(t))]);
  // A table removed again before its snapshot completed needs none.
  return { source, tables: [...tables], pending: tables.filter((t) => wanted.has(t)) };
}

/**
 * One line of Debezium's signal file: a blocking snapshot of `tables`. Debezium reads each data
 * collection as a regex, so every id is escaped to match only itself (its dot included). A
 * blocking snapshot ignores `snapshot.select.statement.overrides`: a table's `snapshot_sql`
 * travels as its additional condition instead, whose data collection Debezium parses as a
 * plain table id.
 */
export function snapshotSignalLine(
  id: string,
  tables: readonly string[],
  selects: ReadonlyMap<string, string> = new Map(),
): string {
  const conditions = tables.flatMap((table) => {
    const select = selects.get(table);
    return select === undefined ? [] : [{ 'data-collection': table, filter: select }];
  });
  return JSON.stringify({
    id,
    type: 'execute-snapshot',
    data: {
      'data-collections': tables.map(regexEscape),
      type: 'blocking',
      ...(conditions.length > 0 ? { 'additional-conditions': conditions } : {}),
    },
  });
}

/** Parses a stored record; undefined when absent or unreadable (treated as no record). */
export function parseCapturedTables(text: string | null): CapturedTables | undefined {
  if (text === null) return undefined;
  try {
    const value = JSON.parse(text) as Partial<CapturedTables>;
    const strings = (list: unknown): list is string[] =>
      Array.isArray(list) && list.every((item) => typeof item === 'string');
    if (typeof value.source !== 'string' || !strings(value.tables) || !strings(value.pending)) {
      return undefined;
    }
    return { source: value.source, tables: value.tables, pending: value.pending };
  } catch {
    return undefined;
  }
}
