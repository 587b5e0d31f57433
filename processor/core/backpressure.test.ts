import { describe, expect, it } from 'vitest';
import type { BackpressureReading } from './backpressure.ts';
import { CLEAR, evaluateBackpressure } from './backpressure.ts';

const t = { backlogHigh: 100, backlogLow: 10, memoryHigh: 0.8, memoryLow: 0.6 };
const calm: BackpressureReading = { backlog: 0, usedMemory: 10, maxMemory: 100, targetDown: false };

describe('evaluateBackpressure', () => {
  it('stays clear under the high-water marks', () => {
    expect(evaluateBackpressure(CLEAR, { ...calm, backlog: 99, usedMemory: 79 }, t)).toEqual(CLEAR);
  });

  it('raises on backlog, memory or an unavailable target, with every reason', () => {
    const state = evaluateBackpressure(
      CLEAR,
      { backlog: 100, usedMemory: 90, maxMemory: 100, targetDown: true },
      t,
    );
    expect(state.raised).toBe(true);
    expect(state.reasons).toEqual([
      'target unavailable',
      'backlog 100 entries ≥ 100',
      'RDI database memory 90% of maxmemory ≥ 80%',
    ]);
  });

  it('keeps the flag between the low and high marks (hysteresis), clears below them', () => {
    const raised = evaluateBackpressure(CLEAR, { ...calm, backlog: 150 }, t);
    const between = evaluateBackpressure(raised, { ...calm, backlog: 50 }, t);
    expect(between.raised).toBe(true);
    expect(between.reasons).toEqual(['backlog 50 entries, clears at 10']);
    expect(evaluateBackpressure(between, { ...calm, backlog: 10 }, t)).toEqual(CLEAR);
    const memory = evaluateBackpressure(CLEAR, { ...calm, usedMemory: 85 }, t);
    expect(evaluateBackpressure(memory, { ...calm, usedMemory: 70 }, t).raised).toBe(true);
    expect(evaluateBackpressure(memory, { ...calm, usedMemory: 60 }, t)).toEqual(CLEAR);
  });

  it('clears as soon as the target is back when nothing else is high', () => {
    const down = evaluateBackpressure(CLEAR, { ...calm, targetDown: true }, t);
    expect(evaluateBackpressure(down, calm, t)).toEqual(CLEAR);
  });

  it('ignores memory when the RDI database has no limit', () => {
    expect(evaluateBackpressure(CLEAR, { ...calm, usedMemory: 1e9, maxMemory: 0 }, t)).toEqual(
      CLEAR,
    );
  });
});
