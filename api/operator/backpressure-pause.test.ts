// When the processor's backpressure flag asks the operator to pause the collector: raised,
// fresh, and kept by a running processor.
import { describe, expect, it } from 'vitest';
import { backpressureAsksForPause } from './backpressure-pause.ts';

const NOW = 1_000_000;
const STALE_MS = 30_000;
const flag = (updatedAt: number) => ({ reason: 'target unavailable', updated_at: `${updatedAt}` });

describe('backpressureAsksForPause', () => {
  it('pauses for a fresh flag of a running processor', () => {
    expect(backpressureAsksForPause(flag(NOW - STALE_MS), true, NOW, STALE_MS)).toBe(true);
    expect(backpressureAsksForPause({ reason: 'x' }, true, NOW, STALE_MS)).toBe(true);
  });

  it('ignores a clear flag, a stale one, and one while no processor runs', () => {
    expect(backpressureAsksForPause({}, true, NOW, STALE_MS)).toBe(false);
    expect(backpressureAsksForPause(flag(NOW - STALE_MS - 1), true, NOW, STALE_MS)).toBe(false);
    expect(backpressureAsksForPause(flag(NOW), false, NOW, STALE_MS)).toBe(false);
  });
});
