// The end of the initial sync: `initial_sync` while Debezium reads the tables and until the
// processor has applied every snapshot entry, `cdc` after (and from then on); the snapshot's
// record keeps its numbers and times.
import { describe, expect, it } from 'vitest';
import type { PipelinePhase } from './pipeline-phase.ts';
import { compareIds } from '../../processor/core/entry-id.ts';
import {
  awaitsSync,
  syncSnapshot,
  type SnapshotRecord,
  type StreamPosition,
  type SyncInput,
} from './snapshot-sync.ts';

const reading = { completed: false, tables_total: 2, tables_completed: 1, rows_scanned: 700 };
const captured = { completed: true, tables_total: 2, tables_completed: 2, rows_scanned: 1000 };

function position(overrides: Partial<StreamPosition> & { stream: string }): StreamPosition {
  return {
    lastId: '100-0',
    entriesAdded: 500,
    delivered: undefined,
    oldestPending: undefined,
    ...overrides,
  };
}

function step(overrides: Partial<SyncInput> & { reported: PipelinePhase }) {
  return syncSnapshot({
    progress: undefined,
    record: undefined,
    marks: undefined,
    positions: [],
    now: 1_000,
    ...overrides,
  });
}

describe('syncSnapshot', () => {
  it('records the progress while Debezium reads the tables', () => {
    const first = step({ reported: 'initial_sync', progress: reading, now: 1_000 });
    expect(first).toEqual({
      phase: 'initial_sync',
      record: {
        completed: false,
        captured: false,
        started_at: 1_000,
        tables_total: 2,
        tables_completed: 1,
        rows_scanned: 700,
      },
      marks: undefined,
    });
    const later = step({
      reported: 'initial_sync',
      progress: { ...reading, rows_scanned: 900 },
      record: first.record,
      now: 2_000,
    });
    expect(later.record).toMatchObject({ started_at: 1_000, rows_scanned: 900 });
  });

  it('stays in initial_sync until every stream holds the scanned rows and has applied them', () => {
    const record = step({ reported: 'initial_sync', progress: reading }).record;
    // Debezium is done, but its sink has written only 900 of the 1000 rows.
    const streams = [
      position({ stream: 'data:s.public.a', lastId: '50-3', entriesAdded: 400 }),
      position({ stream: 'data:s.public.b', lastId: '60-0', entriesAdded: 500 }),
    ];
    const early = step({
      reported: 'cdc',
      progress: captured,
      record,
      positions: streams,
      now: 3_000,
    });
    expect(early.phase).toBe('initial_sync');
    expect(early.marks).toBeUndefined();
    expect(early.record).toMatchObject({
      captured: true,
      completed: false,
      captured_at: 3_000,
      tables_completed: 2,
      rows_scanned: 1000,
    });

    // All written: the marks are the streams' last ids; the processor is behind on b.
    const written = [
      position({ stream: 'data:s.public.a', lastId: '50-3', entriesAdded: 400, delivered: '50-3' }),
      position({ stream: 'data:s.public.b', lastId: '70-0', entriesAdded: 600, delivered: '65-0' }),
    ];
    const behind = step({
      reported: 'cdc',
      progress: captured,
      record: early.record,
      positions: written,
      now: 4_000,
    });
    expect(behind.phase).toBe('initial_sync');
    expect(behind.marks).toEqual({ 'data:s.public.a': '50-3', 'data:s.public.b': '70-0' });
    expect(behind.record?.captured_at).toBe(3_000);

    // Delivered past the mark, but an entry below it is still pending.
    const pending = [
      position({ stream: 'data:s.public.a', lastId: '80-0', delivered: '80-0' }),
      position({
        stream: 'data:s.public.b',
        lastId: '90-0',
        delivered: '90-0',
        oldestPending: '69-9',
      }),
    ];
    const inFlight = step({
      reported: 'cdc',
      record: behind.record,
      marks: behind.marks,
      positions: pending,
      now: 5_000,
    });
    expect(inFlight.phase).toBe('initial_sync');

    // Change entries after the marks may still be pending: the snapshot is applied.
    const applied = pending.map((p) => ({ ...p, oldestPending: p.lastId }));
    const done = step({
      reported: 'cdc',
      record: inFlight.record,
      marks: inFlight.marks,
      positions: applied,
      now: 6_000,
    });
    expect(done.phase).toBe('cdc');
    expect(done.record).toMatchObject({
      completed: true,
      started_at: 1_000,
      captured_at: 3_000,
      completed_at: 6_000,
      rows_scanned: 1000,
    });

    // From then on cdc, whatever the backlog; the record is kept through a restart.
    expect(awaitsSync('cdc', done.record)).toBe(false);
    const starting = step({ reported: 'starting', record: done.record, marks: done.marks });
    expect(starting).toEqual({ phase: 'starting', record: done.record, marks: done.marks });
    expect(step({ reported: 'cdc', record: done.record, progress: { completed: true } })).toEqual({
      phase: 'cdc',
      record: done.record,
      marks: undefined,
    });
  });

  it('waits for a processor that has no consumer group yet', () => {
    const outcome = step({
      reported: 'cdc',
      positions: [position({ stream: 'data:s.public.a', delivered: undefined })],
    });
    expect(outcome.phase).toBe('initial_sync');
    expect(outcome.marks).toEqual({ 'data:s.public.a': '100-0' });
  });

  it('takes the marks at once when the rows scanned are unknown or Redis lacks the counter', () => {
    // A snapshot that ran in an earlier collector (restarted since): its entries are written.
    const unknown = step({
      reported: 'cdc',
      progress: { completed: true },
      positions: [position({ stream: 'data:s.public.a', entriesAdded: 1, delivered: '100-0' })],
    });
    expect(unknown.phase).toBe('cdc');
    expect(unknown.record).toMatchObject({ completed: true, captured: true, started_at: 1_000 });
    const oldRedis = step({
      reported: 'cdc',
      progress: captured,
      positions: [position({ stream: 'data:s.public.a', entriesAdded: undefined })],
    });
    expect(oldRedis.marks).toEqual({ 'data:s.public.a': '100-0' });
  });

  it('treats a table without rows and a stream created later as applied', () => {
    const outcome = step({
      reported: 'cdc',
      marks: { 'data:s.public.a': '0-0' },
      positions: [
        position({ stream: 'data:s.public.a', lastId: '5-0' }),
        position({ stream: 'data:s.public.new', lastId: '6-0' }),
      ],
    });
    expect(outcome.phase).toBe('cdc');
  });

  it('starts a new record when Debezium snapshots again, and forgets it on a reset', () => {
    const old: SnapshotRecord = { completed: true, captured: true, started_at: 1, rows_scanned: 9 };
    const again = step({ reported: 'initial_sync', record: old, progress: reading, now: 50 });
    expect(again.record).toEqual({
      completed: false,
      captured: false,
      started_at: 50,
      tables_total: 2,
      tables_completed: 1,
      rows_scanned: 700,
    });
    const midSync: SnapshotRecord = { completed: false, captured: true, started_at: 1 };
    expect(
      step({ reported: 'initial_sync', record: midSync, marks: { a: '1-0' } }).record,
    ).toMatchObject({ started_at: 1_000, captured: false });
    expect(step({ reported: 'resetting', record: old, marks: { a: '1-0' } })).toEqual({
      phase: 'resetting',
      record: undefined,
      marks: undefined,
    });
  });

  it('orders stream ids numerically', () => {
    expect(compareIds('9-0', '10-0')).toBe(-1);
    expect(compareIds('10-2', '10-10')).toBe(-1);
    expect(compareIds('1700000000000-5', '1700000000000-5')).toBe(0);
    expect(compareIds('x', '0-0')).toBe(-1);
  });
});
