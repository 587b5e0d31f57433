// When the initial sync is over. Debezium reports its snapshot done once it has read every
// table, but the rows are in the target only when the processor has applied every snapshot
// entry: until then the phase stays `initial_sync`. Also keeps the snapshot's record (tables,
// rows and times) that the status shows after the snapshot is long over. Pure.

import type { PipelinePhase } from './pipeline-phase.ts';
import { compareIds } from '../../processor/core/entry-id.ts';

/** The `snapshot` field of the status (JSON in the status hash). */
export interface SnapshotRecord {
  /** Every snapshot row is in the target; the pipeline streams changes (CDC). */
  readonly completed: boolean;
  /** Debezium has read every table; its entries may still wait for the processor. */
  readonly captured: boolean;
  readonly tables_total?: number;
  readonly tables_completed?: number;
  readonly rows_scanned?: number;
  /** When the status first showed the snapshot (ms since the epoch). */
  readonly started_at?: number;
  readonly captured_at?: number;
  readonly completed_at?: number;
}

/** One change stream as the processor's consumer group sees it. */
export interface StreamPosition {
  readonly stream: string;
  /** Id of the newest entry ever added (XINFO STREAM last-generated-id). */
  readonly lastId: string;
  /** Entries ever added, trimmed ones included; undefined when Redis does not tell (< 7). */
  readonly entriesAdded: number | undefined;
  /** The group's last delivered id; undefined while the processor has no group. */
  readonly delivered: string | undefined;
  /** Oldest entry delivered but not acknowledged; undefined when none. */
  readonly oldestPending: string | undefined;
}

/** Per stream, the id of its last snapshot entry (or a later one). */
export type SyncMarks = Readonly<Record<string, string>>;

export interface SyncInput {
  /** The phase the operator derived from its children and Debezium's metrics. */
  readonly reported: PipelinePhase;
  /** The operator's snapshot report of this tick (see snapshotReport()). */
  readonly progress: Readonly<Record<string, number | boolean>> | undefined;
  /** What the previous report recorded. */
  readonly record: SnapshotRecord | undefined;
  readonly marks: SyncMarks | undefined;
  /** The pipeline's streams; needed only when awaitsSync() says so. */
  readonly positions: readonly StreamPosition[];
  readonly now: number;
}

export interface SyncOutcome {
  readonly phase: PipelinePhase;
  readonly record: SnapshotRecord | undefined;
  readonly marks: SyncMarks | undefined;
}

/** Whether the decision needs the streams' positions: capture is over, sync not yet. */
export function awaitsSync(reported: PipelinePhase, record: SnapshotRecord | undefined): boolean {
  return reported === 'cdc' && record?.completed !== true;
}

export function syncSnapshot(input: SyncInput): SyncOutcome {
  const { reported, record, now } = input;
  // A reset drops the streams: the next snapshot starts a new record.
  if (reported === 'resetting') return { phase: reported, record: undefined, marks: undefined };
  if (reported === 'initial_sync') {
    // Debezium snapshots again (a collector restarted mid-snapshot, or offsets were lost):
    // the entries of an earlier snapshot say nothing about this one.
    const fresh = record === undefined || record.captured || record.completed;
    const base = fresh ? { started_at: now } : record;
    return {
      phase: 'initial_sync',
      record: { ...base, ...counts(input.progress), completed: false, captured: false },
      marks: undefined,
    };
  }
  if (reported !== 'cdc' || record?.completed === true) {
    return { phase: reported, record, marks: input.marks };
  }
  // Capture is over; numbers are taken once, from the collector that read the last table.
  const captured = record?.captured === true ? record : capturedRecord(record, input, now);
  const marks = input.marks ?? marksOnceWritten(input.progress, input.positions);
  if (marks === undefined || !applied(marks, input.positions)) {
    return { phase: 'initial_sync', record: captured, marks };
  }
  return {
    phase: 'cdc',
    record: { ...captured, completed: true, completed_at: now },
    marks,
  };
}

function capturedRecord(
  record: SnapshotRecord | undefined,
  input: SyncInput,
  now: number,
): SnapshotRecord {
  const numbers = { ...(record ?? { started_at: now }), ...counts(input.progress) };
  return {
    ...numbers,
    ...(numbers.tables_total === undefined ? {} : { tables_completed: numbers.tables_total }),
    completed: false,
    captured: true,
    captured_at: now,
  };
}

function counts(
  progress: Readonly<Record<string, number | boolean>> | undefined,
): Partial<SnapshotRecord> {
  const out: Record<string, number> = {};
  for (const field of ['tables_total', 'tables_completed', 'rows_scanned'] as const) {
    const value = progress?.[field];
    if (typeof value === 'number') out[field] = value;
  }
  return out;
}

/**
 * Debezium counts a row as scanned before its sink has written the entry, so the last rows
 * may still be on their way: the marks are taken once the streams hold at least as many
 * entries as this collector scanned (snapshot entries come before any change entry). When
 * the rows are unknown (the snapshot ran in an earlier collector, whose entries are all
 * written), the marks are taken at once.
 */
function marksOnceWritten(
  progress: Readonly<Record<string, number | boolean>> | undefined,
  positions: readonly StreamPosition[],
): SyncMarks | undefined {
  const scanned = progress?.rows_scanned;
  if (typeof scanned === 'number' && progress?.completed === true) {
    let added = 0;
    for (const p of positions) {
      // Without the counter (Redis < 7) the check cannot be made: take the marks.
      if (p.entriesAdded === undefined) return markIds(positions);
      added += p.entriesAdded;
    }
    if (added < scanned) return undefined;
  }
  return markIds(positions);
}

function markIds(positions: readonly StreamPosition[]): SyncMarks {
  return Object.fromEntries(positions.map((p) => [p.stream, p.lastId]));
}

/** Every stream's group got past its mark and has nothing at or below it unacknowledged. */
function applied(marks: SyncMarks, positions: readonly StreamPosition[]): boolean {
  return positions.every((p) => {
    const mark = marks[p.stream];
    // A stream created after the marks holds no snapshot entry.
    if (mark === undefined || compareIds(mark, '0-0') <= 0) return true;
    if (p.delivered === undefined || compareIds(p.delivered, mark) < 0) return false;
    return p.oldestPending === undefined || compareIds(p.oldestPending, mark) > 0;
  });
}
