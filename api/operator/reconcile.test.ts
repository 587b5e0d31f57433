// reconcile() decides from plain data: leadership, desired state, reset, backpressure with a
// minimum pause, capped restart backoff and a processor of an older term.
import { describe, expect, it } from 'vitest';
import { reconcile, type ChildView, type ReconcileInput } from './reconcile.ts';
import { restartDelayMs } from './restart-backoff.ts';

const policy = { backoff: { initialMs: 1_000, maxMs: 8_000 }, minPauseMs: 10_000 };
const running: ChildView = { state: 'running', failures: 0, exitedAt: undefined };
const stopped: ChildView = { state: 'stopped', failures: 0, exitedAt: undefined };

function input(overrides: Partial<ReconcileInput> = {}): ReconcileInput {
  return {
    now: 100_000,
    leader: true,
    desired: 'started',
    configReady: true,
    resetPending: false,
    backpressure: false,
    pausedSince: undefined,
    processorEpochStale: false,
    collector: running,
    processor: running,
    ...overrides,
  };
}

describe('reconcile', () => {
  it('starts both children of a started pipeline and leaves running ones alone', () => {
    expect(reconcile(input({ collector: stopped, processor: stopped }), policy)).toEqual([
      { kind: 'start', component: 'processor' },
      { kind: 'start', component: 'collector' },
    ]);
    expect(reconcile(input(), policy)).toEqual([]);
  });

  it('runs nothing without the lease, when stopped, or with an unusable config', () => {
    const stopBoth = [
      { kind: 'stop', component: 'collector' },
      { kind: 'stop', component: 'processor' },
    ];
    expect(reconcile(input({ leader: false }), policy)).toEqual(stopBoth);
    expect(reconcile(input({ desired: 'stopped' }), policy)).toEqual(stopBoth);
    expect(reconcile(input({ configReady: false }), policy)).toEqual(stopBoth);
  });

  it('restarts an exited child after a capped exponential backoff', () => {
    const exited = (failures: number): ChildView => ({ state: 'exited', failures, exitedAt: 0 });
    expect(restartDelayMs(1, policy.backoff)).toBe(1_000);
    expect(restartDelayMs(3, policy.backoff)).toBe(4_000);
    expect(restartDelayMs(10, policy.backoff)).toBe(8_000);
    expect(reconcile(input({ now: 3_999, collector: exited(3) }), policy)).toEqual([]);
    expect(reconcile(input({ now: 4_000, collector: exited(3) }), policy)).toEqual([
      { kind: 'start', component: 'collector' },
    ]);
  });

  it('stops both children before a reset, then resets', () => {
    expect(reconcile(input({ resetPending: true }), policy)).toHaveLength(2);
    expect(
      reconcile(input({ resetPending: true, collector: stopped, processor: stopped }), policy),
    ).toEqual([{ kind: 'reset' }]);
    const stopping: ChildView = { state: 'stopping', failures: 0, exitedAt: undefined };
    expect(reconcile(input({ resetPending: true, collector: stopping }), policy)).toEqual([
      { kind: 'stop', component: 'processor' },
    ]);
  });

  it('pauses the collector under backpressure and resumes it only after the minimum pause', () => {
    expect(reconcile(input({ backpressure: true }), policy)).toEqual([{ kind: 'pause-collector' }]);
    const paused = { collector: stopped, pausedSince: 95_000 };
    expect(reconcile(input({ ...paused, backpressure: false }), policy)).toEqual([]);
    expect(reconcile(input({ ...paused, now: 105_000 }), policy)).toEqual([
      { kind: 'resume-collector' },
      { kind: 'start', component: 'collector' },
    ]);
    expect(reconcile(input({ ...paused, now: 105_000, backpressure: true }), policy)).toEqual([]);
  });

  it('replaces a processor of an earlier term', () => {
    expect(reconcile(input({ processorEpochStale: true }), policy)).toEqual([
      { kind: 'stop', component: 'processor' },
    ]);
  });
});
