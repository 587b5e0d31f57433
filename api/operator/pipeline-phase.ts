// The phase and snapshot progress the operator reports for a pipeline, derived from the
// desired state, the children and the collector's own metrics. Pure.

import type { ChildView } from './reconcile.ts';

/**
 * stopped → starting → initial_sync → cdc; `stopping` while children still run after a stop,
 * `resetting` while a reset is carried out, `error` when the pipeline cannot run (bad config,
 * a child failing again and again).
 */
export type PipelinePhase =
  'starting' | 'initial_sync' | 'cdc' | 'stopping' | 'stopped' | 'resetting' | 'error';

export const PIPELINE_PHASES: readonly PipelinePhase[] = [
  'starting',
  'initial_sync',
  'cdc',
  'stopping',
  'stopped',
  'resetting',
  'error',
];

/** What Debezium's JMX metrics say about capture (see collector-metrics.ts). */
export interface CollectorProgress {
  readonly snapshotRunning: boolean;
  readonly snapshotCompleted: boolean;
  readonly streamingConnected: boolean;
  readonly tablesTotal: number | undefined;
  readonly tablesRemaining: number | undefined;
  readonly rowsScanned: number | undefined;
}

export interface PhaseInput {
  readonly desired: 'started' | 'stopped';
  readonly configReady: boolean;
  readonly resetPending: boolean;
  readonly paused: boolean;
  readonly collector: ChildView;
  readonly processor: ChildView;
  /** Latest progress read from the running collector; undefined when none was read. */
  readonly progress: CollectorProgress | undefined;
  /** Capture has reached CDC at least once in this collector's life (survives a pause). */
  readonly reachedCdc: boolean;
}

/** Consecutive failures after which a restarting child turns the phase to `error`. */
export const CRASH_LOOP_FAILURES = 3;

const running = (child: ChildView): boolean => child.state === 'running';
const down = (child: ChildView): boolean => child.state === 'stopped' || child.state === 'exited';

export function pipelinePhase(input: PhaseInput): PipelinePhase {
  if (input.resetPending) return 'resetting';
  if (input.desired === 'stopped') {
    return down(input.collector) && down(input.processor) ? 'stopped' : 'stopping';
  }
  if (!input.configReady) return 'error';
  const crashLooping = [input.collector, input.processor].some(
    (child) => child.failures >= CRASH_LOOP_FAILURES,
  );
  if (crashLooping) return 'error';
  if (!running(input.processor)) return 'starting';
  if (input.paused) return input.reachedCdc ? 'cdc' : 'initial_sync';
  if (!running(input.collector)) return 'starting';
  if (isCdc(input.progress) || input.reachedCdc) return 'cdc';
  if (input.progress?.snapshotRunning === true) return 'initial_sync';
  return 'starting';
}

export function isCdc(progress: CollectorProgress | undefined): boolean {
  if (progress === undefined) return false;
  return !progress.snapshotRunning && (progress.snapshotCompleted || progress.streamingConnected);
}

/** The `snapshot` field of the status: progress while it runs, `{completed: true}` after. */
export function snapshotReport(
  progress: CollectorProgress | undefined,
  reachedCdc: boolean,
): Record<string, number | boolean> | undefined {
  if (reachedCdc || isCdc(progress)) return { completed: true };
  if (progress === undefined || !progress.snapshotRunning) return undefined;
  const report: Record<string, number | boolean> = { completed: false };
  if (progress.tablesTotal !== undefined) {
    report.tables_total = progress.tablesTotal;
    if (progress.tablesRemaining !== undefined) {
      report.tables_completed = Math.max(0, progress.tablesTotal - progress.tablesRemaining);
    }
  }
  if (progress.rowsScanned !== undefined) report.rows_scanned = progress.rowsScanned;
  return report;
}
