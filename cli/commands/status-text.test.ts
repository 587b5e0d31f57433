// The text of `sluice status`: a bar of the tables while Debezium reads them, a bar of the
// snapshot rows in the target until the initial sync is over, and what it took afterwards.
import { describe, expect, it } from 'vitest';
import { bar, snapshotLines, statusText, type Status, type StreamRow } from './status-text.ts';

function stream(table: string, total: number): StreamRow {
  return {
    table,
    total,
    pending: 0,
    lag: 3,
    inserted: total,
    updated: 0,
    deleted: 0,
    filtered: 0,
    rejected: 0,
    dlq_length: 0,
    last_arrival: 10_000,
  };
}

function status(phase: string, snapshot: unknown, streams: StreamRow[] = []): Status {
  return {
    name: 'default',
    desired_state: 'started',
    phase,
    components: [{ name: 'collector', state: 'running' }],
    errors: [],
    snapshot,
    backpressure: { active: false },
    streams,
  };
}

describe('status text', () => {
  it('shows the tables read and the rows in the target while Debezium reads', () => {
    const text = statusText(
      status(
        'initial_sync',
        {
          completed: false,
          captured: false,
          tables_total: 4,
          tables_completed: 1,
          rows_scanned: 12000,
        },
        [stream('shop.public.customers', 3000)],
      ),
      12_000,
    );
    expect(text).toContain('Phase:        initial sync\n');
    expect(text).toContain(
      'Snapshot:     [########......................] 1/4 tables read, 12,000 rows so far\n',
    );
    expect(text).toContain('Initial sync: 3,000 rows in the target so far\n');
    expect(text).toMatch(/shop\.public\.customers\s+3000\s+3\s+3000\s+0\s+0\s+0\s+0\s+0\s+2s ago/);
  });

  it('keeps the bar until every snapshot row is in the target', () => {
    const lines = snapshotLines(
      status(
        'initial_sync',
        {
          completed: false,
          captured: true,
          tables_total: 4,
          rows_scanned: 40000,
          started_at: 1_000,
          captured_at: 4_500,
        },
        [stream('a', 30000), stream('b', 6000)],
      ),
    );
    expect(lines).toEqual([
      ['Snapshot:', 'read 4 tables, 40,000 rows in 3.5 s; applying the rest'],
      [
        'Initial sync:',
        '[###########################...] 90 % — 36,000 of 40,000 rows in the target',
      ],
    ]);
  });

  it('says what the snapshot took once the pipeline streams changes', () => {
    const lines = snapshotLines(
      status(
        'cdc',
        {
          completed: true,
          captured: true,
          tables_total: 4,
          rows_scanned: 40000,
          started_at: Date.UTC(2026, 0, 1, 12, 0, 0),
          completed_at: Date.UTC(2026, 0, 1, 12, 0, 7, 900),
        },
        // Change entries processed since count too, but never past the snapshot's rows.
        [stream('a', 45000)],
      ),
    );
    expect(lines).toEqual([
      ['Snapshot:', 'completed: 4 tables, 40,000 rows in 7.9 s (2026-01-01T12:00:07.900Z)'],
    ]);
    expect(snapshotLines(status('cdc', { completed: true }))).toEqual([['Snapshot:', 'completed']]);
  });

  it('reads older and partial reports, and none', () => {
    expect(snapshotLines(status('initial_sync', { completed: false }))).toEqual([
      ['Snapshot:', 'reading'],
      ['Initial sync:', '0 rows in the target so far'],
    ]);
    expect(
      snapshotLines(status('initial_sync', { captured: true, rows_scanned: 0 }, [stream('a', 2)])),
    ).toEqual([['Snapshot:', 'read 0 rows; applying the rest']]);
    expect(snapshotLines(status('starting', undefined))).toEqual([]);
    expect(statusText(status('not_running', undefined), 0)).toContain(
      'Phase:        not running\n',
    );
  });

  it('draws bars of a fixed width', () => {
    expect(bar(0, 10, 10)).toBe('[..........]');
    expect(bar(5, 10, 10)).toBe('[#####.....]');
    expect(bar(12, 10, 10)).toBe('[##########]');
    expect(bar(1, 0, 4)).toBe('[....]');
  });
});
