// The restart delay after consecutive failures: doubles from the initial delay, capped, and
// zero before any failure; the defaults give the sequence docs/operations.md states.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, restartDelayMs } from './restart-backoff.ts';

describe('restartDelayMs', () => {
  it('doubles with each consecutive failure up to the cap', () => {
    const policy = { initialMs: 250, maxMs: 3_000 };
    const delays = [1, 2, 3, 4, 5, 6].map((failures) => restartDelayMs(failures, policy));
    expect(delays).toEqual([250, 500, 1_000, 2_000, 3_000, 3_000]);
  });

  it('waits nothing before the first failure and stays capped for very long streaks', () => {
    expect(restartDelayMs(0, DEFAULT_BACKOFF)).toBe(0);
    expect(restartDelayMs(10_000, DEFAULT_BACKOFF)).toBe(60_000);
  });

  it('restarts after 1 s, 2 s, 4 s … up to 60 s by default', () => {
    const delays = Array.from({ length: 8 }, (_, i) => restartDelayMs(i + 1, DEFAULT_BACKOFF));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
  });
});
