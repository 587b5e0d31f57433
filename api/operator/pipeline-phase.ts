// The phase and snapshot progress the operator reports for a pipeline, derived from the
// desired state, the children and the collector's own metrics. Pure. `cdc` here means that
// capture streams; the status report keeps `initial_sync` until the processor has applied
// every snapshot entry (snapshot-sync.ts).

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

/**
 * The operator's snapshot report: progress while Debezium reads the tables, `{completed: true}`
 * once capture is over, with the final numbers when this collector ran the snapshot itself.
 * The status report turns it into the snapshot's record (see snapshot-sync.ts).
 */
export function snapshotReport(
  progress: CollectorProgress | undefined,
  reachedCdc: boolean,
): Record<string, number | boolean> | undefined {
  if (reachedCdc || isCdc(progress)) {
    return progress?.snapshotCompleted === true
      ? { completed: true, ...snapshotNumbers(progress) }
      : { completed: true };
  }
  if (progress === undefined || !progress.snapshotRunning) return undefined;
  return { completed: false, ...snapshotNumbers(progress) };
}

function snapshotNumbers(progress: CollectorProgress): Record<string, number> {
  const numbers: Record<string, number> = {};
  if (progress.tablesTotal !== undefined) {
    numbers.tables_total = progress.tablesTotal;
    if (progress.tablesRemaining !== undefined) {
      numbers.tables_completed = Math.max(0, progress.tablesTotal - progress.tablesRemaining);
    }
  }
  if (progress.rowsScanned !== undefined) numbers.rows_scanned = progress.rowsScanned;
  return numbers;
}
