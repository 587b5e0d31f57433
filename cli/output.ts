// Renders command results as a table (people), JSON or YAML (scripts). Tables are plain
// aligned columns; numbers are right-aligned.

import { stringify } from 'yaml';

export type OutputFormat = 'table' | 'json' | 'yaml';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'yaml'];

export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string | number | undefined;
}

export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
  const numeric = columns.map(
    (_, i) => cells.length > 0 && cells.every((row) => typeof row[i] === 'number'),
  );
  const text = cells.map((row) => row.map((cell) => (cell === undefined ? '-' : String(cell))));
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...text.map((row) => (row[i] ?? '').length)),
  );
  const line = (row: readonly string[]): string =>
    row
      .map((cell, i) =>
        numeric[i] === true ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...text.map(line)].join('\n') + '\n';
}

/** JSON or YAML of `data`; for `table`, the given table text. */
export function render(format: OutputFormat, data: unknown, table: () => string): string {
  if (format === 'json') return JSON.stringify(data, null, 2) + '\n';
  if (format === 'yaml') return stringify(data);
  return table();
}

/** A time (ms since the epoch) as an ISO string, or `-`. */
export function formatTime(ms: number | undefined): string | undefined {
  return ms === undefined || ms === 0
    ? undefined
    : new Date(ms).toISOString().replace('.000Z', 'Z');
}
