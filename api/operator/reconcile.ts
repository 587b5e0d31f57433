// The operator's pure core: from what the user wants (desired state, reset generation), what
// the operator observes (leadership, children, backpressure) and the time, decide what to do
// to the pipeline's two children. No I/O, no clock: the process layer carries the actions out.

import { restartDelayMs, type BackoffPolicy } from './restart-backoff.ts';

export type ComponentName = 'collector' | 'processor';

/**
 * Lifecycle of one supervised child: stopped → starting → running → stopping → stopped.
 * `exited` means it ended on its own (a failure, whatever its exit code: Debezium Server exits
 * with 0 after an engine failure) and waits for its restart.
 */
export type ChildState = 'stopped' | 'starting' | 'running' | 'stopping' | 'exited';

export interface ChildView {
  readonly state: ChildState;
  /** Consecutive runs that ended on their own; 0 after a run that lasted or a requested stop. */
  readonly failures: number;
  /** When it last exited on its own (ms), the start of its restart backoff. */
  readonly exitedAt: number | undefined;
}

export interface ReconcilePolicy {
  readonly backoff: BackoffPolicy;
  /** Shortest pause of the collector for backpressure, so that it does not flap. */
  readonly minPauseMs: number;
}

export interface ReconcileInput {
  readonly now: number;
  readonly leader: boolean;
  readonly desired: 'started' | 'stopped';
  /** The pipeline could be read, resolved and rendered; false: nothing can run. */
  readonly configReady: boolean;
  /** A reset generation newer than the last one carried out. */
  readonly resetPending: boolean;
  /** The processor's backpressure flag is raised (and fresh). */
  readonly backpressure: boolean;
  /** Since when the collector is paused for backpressure; undefined when it is not. */
  readonly pausedSince: number | undefined;
  /** The running processor carries an older epoch than the current term's. */
  readonly processorEpochStale: boolean;
  readonly collector: ChildView;
  readonly processor: ChildView;
}

export type Action =
  | { readonly kind: 'start'; readonly component: ComponentName }
  | { readonly kind: 'stop'; readonly component: ComponentName }
  /** Stop the collector gracefully and remember since when it is paused. */
  | { readonly kind: 'pause-collector' }
  /** Forget the pause (a start of the collector follows in the same decision). */
  | { readonly kind: 'resume-collector' }
  /** Both children are stopped: drop offsets, streams and checkpoints, record the generation. */
  | { readonly kind: 'reset' };

const isDown = (child: ChildView): boolean => child.state === 'stopped' || child.state === 'exited';
const isUp = (child: ChildView): boolean => child.state === 'starting' || child.state === 'running';

function mayStart(child: ChildView, now: number, policy: ReconcilePolicy): boolean {
  if (!isDown(child)) return false;
  if (child.state === 'stopped' || child.exitedAt === undefined) return true;
  return now >= child.exitedAt + restartDelayMs(child.failures, policy.backoff);
}

function stopAll(input: ReconcileInput): Action[] {
  const actions: Action[] = [];
  if (isUp(input.collector)) actions.push({ kind: 'stop', component: 'collector' });
  if (isUp(input.processor)) actions.push({ kind: 'stop', component: 'processor' });
  return actions;
}

export function reconcile(input: ReconcileInput, policy: ReconcilePolicy): Action[] {
  const { now } = input;
  if (!input.leader) return stopAll(input);
  if (input.resetPending) {
    const stopping = stopAll(input);
    if (stopping.length > 0) return stopping;
    const settled = isDown(input.collector) && isDown(input.processor);
    return settled ? [{ kind: 'reset' }] : [];
  }
  if (input.desired === 'stopped' || !input.configReady) {
    const actions = stopAll(input);
    if (input.pausedSince !== undefined) actions.push({ kind: 'resume-collector' });
    return actions;
  }

  const actions: Action[] = [];
  if (input.processorEpochStale && isUp(input.processor)) {
    actions.push({ kind: 'stop', component: 'processor' });
  } else if (mayStart(input.processor, now, policy)) {
    actions.push({ kind: 'start', component: 'processor' });
  }

  if (input.pausedSince !== undefined) {
    const pausedLongEnough = now - input.pausedSince >= policy.minPauseMs;
    if (!input.backpressure && pausedLongEnough) {
      actions.push({ kind: 'resume-collector' });
      if (isDown(input.collector)) actions.push({ kind: 'start', component: 'collector' });
    }
    return actions;
  }
  if (input.backpressure && isUp(input.collector)) {
    actions.push({ kind: 'pause-collector' });
  } else if (!input.backpressure && mayStart(input.collector, now, policy)) {
    actions.push({ kind: 'start', component: 'collector' });
  }
  return actions;
}
