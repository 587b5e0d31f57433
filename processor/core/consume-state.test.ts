import { describe, expect, it } from 'vitest';
import { ConsumeState, retryDelayMs } from './consume-state.ts';

const intervals = { streamsCheckIntervalMs: 1000, reportIntervalMs: 500 };

describe('ConsumeState', () => {
  it('reads nothing before a stream is known, then each stream’s pending entries first', () => {
    const state = new ConsumeState(intervals);
    expect(state.nextRead()).toEqual({ kind: 'none' });
    state.addStream('data:a');
    state.addStream('data:b');
    state.addStream('data:a');
    expect(state.streams).toEqual(['data:a', 'data:b']);
    expect(state.nextRead()).toEqual({ kind: 'pending', stream: 'data:a' });
    state.pendingDrained('data:a');
    expect(state.nextRead()).toEqual({ kind: 'pending', stream: 'data:b' });
    state.pendingDrained('data:b');
    expect(state.nextRead()).toEqual({ kind: 'new', streams: ['data:a', 'data:b'] });
  });

  it('re-reads every stream’s pending entries after a failed step', () => {
    const state = new ConsumeState(intervals);
    state.addStream('data:a');
    state.pendingDrained('data:a');
    state.rereadPending();
    expect(state.nextRead()).toEqual({ kind: 'pending', stream: 'data:a' });
  });

  it('looks for streams again after the idle interval, or the busy one after entries came', () => {
    const state = new ConsumeState({ ...intervals, busyStreamsCheckIntervalMs: 100 });
    expect(state.discoveryDue(0)).toBe(true);
    state.discovered(0);
    expect(state.discoveryDue(999)).toBe(false);
    expect(state.discoveryDue(1000)).toBe(true);
    state.newEntriesRead(true);
    state.discovered(1000);
    expect(state.discoveryDue(1099)).toBe(false);
    expect(state.discoveryDue(1100)).toBe(true);
    state.newEntriesRead(false);
    state.discovered(1100);
    expect(state.discoveryDue(2099)).toBe(false);
  });

  it('without a busy interval, uses the idle one while busy too', () => {
    const state = new ConsumeState(intervals);
    state.newEntriesRead(true);
    state.discovered(0);
    expect(state.discoveryDue(999)).toBe(false);
  });

  it('makes the memory report due once per interval', () => {
    const state = new ConsumeState(intervals);
    expect(state.takeReportDue(10)).toBe(true);
    expect(state.takeReportDue(11)).toBe(false);
    expect(state.takeReportDue(509)).toBe(false);
    expect(state.takeReportDue(510)).toBe(true);
  });

  it('carries acknowledgement time to the next batch exactly once', () => {
    const state = new ConsumeState(intervals);
    state.addUnreportedAckMs(2.5);
    state.addUnreportedAckMs(1);
    expect(state.takeUnreportedAckMs()).toBe(3.5);
    expect(state.takeUnreportedAckMs()).toBe(0);
  });
});

describe('retryDelayMs', () => {
  it('doubles from the initial delay up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelayMs(a, 100, 1000))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(retryDelayMs(500, 100, 1000)).toBe(1000);
  });
});
