// The text of `sluice status`: phase, backpressure, the snapshot (a progress bar during the
// initial sync, its numbers and duration after), components, errors with what to do, and the
// per-stream table. Pure: the API's status and the time in, lines out.

import type { ApiPipelineStatus, ApiStreamStatistics } from '../../api/schemas/api-types.ts';
import { formatTime, renderTable } from '../output.ts';

/** The fields of a stream's statistics that the text shows. */
export type StreamRow = Omit<ApiStreamStatistics, 'stream' | 'replayed' | 'length'>;

/** The API's status (GET …/status), as far as the text reads it. */
export type Status = Omit<ApiPipelineStatus, 'reset_generation' | 'reported_at' | 'streams'> & {
  streams: StreamRow[];
};

const PHASES: Readonly<Record<string, string>> = {
  initial_sync: 'initial sync',
  cdc: 'change streaming (CDC)',
  not_running: 'not running',
};

const BAR_WIDTH = 30;
const LABEL = 14;

export function statusText(status: Status, now: number): string {
  const field = (label: string, value: string): string => `${label.padEnd(LABEL)}${value}`;
  const lines = [
    field('Pipeline:', status.name),
    field('Desired:', status.desired_state),
    field('Phase:', PHASES[status.phase] ?? status.phase),
    field(
      'Backpressure:',
      status.backpressure.active
        ? `ON (${status.backpressure.reason ?? 'no reason given'})`
        : 'off',
    ),
  ];
  for (const [label, value] of snapshotLines(status)) lines.push(field(label, value));
  if (status.components.length > 0) {
    lines.push('', 'Components:');
    for (const c of status.components) {
      lines.push(
        `  ${c.name}: ${c.state}${c.restarts ? ` (${c.restarts} restarts)` : ''}${c.message ? ` — ${c.message}` : ''}`,
      );
    }
  }
  for (const e of status.errors) {
    lines.push(
      '',
      `! ${e.code}: ${e.message}`,
      ...(e.remediation === undefined ? [] : [`  → ${e.remediation}`]),
    );
  }
  lines.push('');
  const table = renderTable(status.streams, [
    { header: 'TABLE', value: (s) => s.table },
    { header: 'TOTAL', value: (s) => s.total },
    { header: 'PENDING', value: (s) => s.pending + s.lag },
    { header: 'INSERTED', value: (s) => s.inserted },
    { header: 'UPDATED', value: (s) => s.updated },
    { header: 'DELETED', value: (s) => s.deleted },
    { header: 'FILTERED', value: (s) => s.filtered },
    { header: 'REJECTED', value: (s) => s.rejected },
    { header: 'DLQ', value: (s) => s.dlq_length },
    { header: 'LAST ARRIVAL', value: (s) => ago(s.last_arrival, now) },
  ]);
  return `${lines.join('\n')}\n${status.streams.length === 0 ? 'No streams yet.\n' : table}`;
}

/** The snapshot record the operator reports (every field optional: older operators). */
interface SnapshotView {
  completed?: boolean;
  captured?: boolean;
  tables_total?: number;
  tables_completed?: number;
  rows_scanned?: number;
  started_at?: number;
  captured_at?: number;
  completed_at?: number;
}

/**
 * While Debezium reads the tables: a bar of the tables read and the rows in the target so far;
 * once it has read them all: a bar of its rows the processor has applied; after the initial
 * sync: what it took.
 */
export function snapshotLines(status: Status): [string, string][] {
  if (typeof status.snapshot !== 'object' || status.snapshot === null) return [];
  const s = status.snapshot as SnapshotView;
  const rows = s.rows_scanned;
  // Once read, every table is done: "4 tables, 41,200 rows".
  const numbers = (): string =>
    [
      s.tables_total === undefined ? undefined : `${s.tables_total} tables`,
      rows === undefined ? undefined : `${count(rows)} rows`,
    ]
      .filter((part) => part !== undefined)
      .join(', ');
  const took = (to: number | undefined): string => {
    const d = duration(s.started_at, to);
    return d === undefined ? '' : ` in ${d}`;
  };
  if (s.completed === true) {
    const at = s.completed_at === undefined ? '' : ` (${formatTime(s.completed_at) ?? ''})`;
    const what = numbers();
    return [
      ['Snapshot:', `completed${what === '' ? '' : `: ${what}`}${took(s.completed_at)}${at}`],
    ];
  }
  const lines: [string, string][] = [
    [
      'Snapshot:',
      s.captured === true
        ? `read ${numbers()}${took(s.captured_at)}; applying the rest`
        : reading(s),
    ],
  ];
  const inTarget = status.streams.reduce((sum, stream) => sum + stream.total, 0);
  if (s.captured !== true) {
    // Debezium updates its row count only now and then: no share of a moving, lagging total.
    lines.push(['Initial sync:', `${count(inTarget)} rows in the target so far`]);
  } else if (rows !== undefined && rows > 0) {
    const applied = Math.min(rows, inTarget);
    lines.push([
      'Initial sync:',
      `${bar(applied, rows)} ${Math.floor((applied / rows) * 100)} % — ` +
        `${count(applied)} of ${count(rows)} rows in the target`,
    ]);
  }
  return lines;
}

/** Debezium still reads: a bar of the tables read when their number is known. */
function reading(s: SnapshotView): string {
  const rows = s.rows_scanned === undefined ? '' : `${count(s.rows_scanned)} rows so far`;
  if (s.tables_total === undefined || s.tables_total <= 0)
    return `reading${rows === '' ? '' : `, ${rows}`}`;
  const done = s.tables_completed ?? 0;
  return `${bar(done, s.tables_total)} ${done}/${s.tables_total} tables read${rows === '' ? '' : `, ${rows}`}`;
}

/** `[#########.....................]` */
export function bar(done: number, total: number, width = BAR_WIDTH): string {
  const filled = total <= 0 ? 0 : Math.round((Math.min(done, total) / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function duration(from: number | undefined, to: number | undefined): string | undefined {
  if (from === undefined || to === undefined || to < from) return undefined;
  const seconds = (to - from) / 1000;
  return seconds < 120 ? `${seconds.toFixed(1)} s` : `${Math.round(seconds / 60)} min`;
}

function ago(ms: number | undefined, now: number): string | undefined {
  if (ms === undefined) return undefined;
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 120) return `${seconds}s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m ago`;
  return formatTime(ms);
}
