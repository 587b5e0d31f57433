// The reported phase: initial_sync while Debezium snapshots, cdc once it streams (kept while
// the collector is paused), and the snapshot progress from Debezium's JMX metrics.
import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../exporter/prometheus-text.ts';
import { collectorProgress } from './collector-progress.ts';
import { pipelinePhase, snapshotReport, type PhaseInput } from './pipeline-phase.ts';

const running = { state: 'running', failures: 0, exitedAt: undefined } as const;
const labels = 'plugin="postgres",name="pg",context="snapshot"';
const snapshotting = parsePrometheusText(
  [
    '# HELP debezium_metrics_SnapshotRunning x',
    `debezium_metrics_SnapshotRunning{${labels},} 1.0`,
    `debezium_metrics_SnapshotCompleted{${labels},} 0.0`,
    `debezium_metrics_TotalTableCount{${labels},} 4.0`,
    `debezium_metrics_RemainingTableCount{${labels},} 3.0`,
    `debezium_metrics_RowsScanned{${labels},table="public.a"} 1200.0`,
    `debezium_metrics_RowsScanned{${labels},table="public.b"} 34.0`,
    'debezium_metrics_Connected{plugin="postgres",name="pg",context="streaming",} 0.0',
  ].join('\n'),
);

function phase(overrides: Partial<PhaseInput>): string {
  return pipelinePhase({
    desired: 'started',
    configReady: true,
    resetPending: false,
    paused: false,
    collector: running,
    processor: running,
    progress: undefined,
    reachedCdc: false,
    ...overrides,
  });
}

describe('pipeline phase', () => {
  it('reads snapshot progress from the JMX exporter text', () => {
    const progress = collectorProgress(snapshotting);
    expect(progress).toMatchObject({ snapshotRunning: true, tablesTotal: 4, rowsScanned: 1234 });
    expect(phase({ progress })).toBe('initial_sync');
    expect(snapshotReport(progress, false)).toEqual({
      completed: false,
      tables_total: 4,
      tables_completed: 1,
      rows_scanned: 1234,
    });
  });

  it('switches to cdc when streaming, and keeps it while paused', () => {
    const streaming = collectorProgress(
      parsePrometheusText(
        'debezium_metrics_Connected{plugin="postgres",name="pg",context="streaming"} 1',
      ),
    );
    expect(phase({ progress: streaming })).toBe('cdc');
    // A collector that found offsets did not snapshot: no numbers of its own.
    expect(snapshotReport(streaming, true)).toEqual({ completed: true });
    expect(
      phase({ paused: true, collector: { ...running, state: 'stopped' }, reachedCdc: true }),
    ).toBe('cdc');
    expect(phase({ progress: undefined })).toBe('starting');
  });

  it('keeps the final numbers of a snapshot this collector completed', () => {
    const done = collectorProgress(
      parsePrometheusText(
        [
          `debezium_metrics_SnapshotRunning{${labels},} 0.0`,
          `debezium_metrics_SnapshotCompleted{${labels},} 1.0`,
          `debezium_metrics_TotalTableCount{${labels},} 4.0`,
          `debezium_metrics_RemainingTableCount{${labels},} 0.0`,
          `debezium_metrics_RowsScanned{${labels},table="public.a"} 5000.0`,
        ].join('\n'),
      ),
    );
    expect(phase({ progress: done })).toBe('cdc');
    expect(snapshotReport(done, true)).toEqual({
      completed: true,
      tables_total: 4,
      tables_completed: 4,
      rows_scanned: 5000,
    });
  });

  it('reports starting until Debezium snapshots or streams, and initial_sync when paused early', () => {
    const idle = collectorProgress(
      parsePrometheusText(`debezium_metrics_SnapshotRunning{${labels},} 0.0`),
    );
    expect(phase({ progress: idle })).toBe('starting');
    expect(snapshotReport(idle, false)).toBeUndefined();
    expect(phase({ processor: { ...running, state: 'starting' } })).toBe('starting');
    const stopped = { state: 'stopped', failures: 0, exitedAt: undefined } as const;
    expect(phase({ paused: true, collector: stopped })).toBe('initial_sync');
  });

  it('reports stopping, stopped, resetting and crash loops', () => {
    expect(phase({ desired: 'stopped' })).toBe('stopping');
    const down = { state: 'stopped', failures: 0, exitedAt: undefined } as const;
    expect(phase({ desired: 'stopped', collector: down, processor: down })).toBe('stopped');
    expect(phase({ resetPending: true })).toBe('resetting');
    expect(phase({ collector: { state: 'exited', failures: 3, exitedAt: 1 } })).toBe('error');
  });
});
