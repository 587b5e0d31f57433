import { describe, expect, it } from 'vitest';
import { dateFromEpochDays, localTimestamp, timeOfDay } from './temporal.ts';

describe('temporal renderings', () => {
  it('renders dates without zone drift', () => {
    expect(dateFromEpochDays(0)).toBe('1970-01-01');
    expect(dateFromEpochDays(-1)).toBe('1969-12-31');
    expect(dateFromEpochDays(19723)).toBe('2024-01-01');
    expect(dateFromEpochDays(2932896)).toBe('9999-12-31');
    expect(dateFromEpochDays(-719528)).toBe('0000-01-01');
  });

  it('renders times of day with exact fractions', () => {
    expect(timeOfDay(0n, 1000n, 3)).toBe('00:00:00');
    expect(timeOfDay(45_296_789n, 1000n, 3)).toBe('12:34:56.789');
    expect(timeOfDay(45_296_000_001n, 1_000_000n, 6)).toBe('12:34:56.000001');
    expect(timeOfDay(86_399_999_999n, 1_000_000n, 6)).toBe('23:59:59.999999');
    // PostgreSQL allows 24:00:00.
    expect(timeOfDay(86_400_000_000n, 1_000_000n, 6)).toBe('24:00:00');
  });

  it('renders zone-less timestamps, before and after the epoch', () => {
    expect(localTimestamp(0n, 1000n, 3)).toBe('1970-01-01T00:00:00');
    expect(localTimestamp(1_704_067_200_123_456n, 1_000_000n, 6)).toBe(
      '2024-01-01T00:00:00.123456',
    );
    expect(localTimestamp(-1n, 1_000_000n, 6)).toBe('1969-12-31T23:59:59.999999');
    expect(localTimestamp(-1000n, 1000n, 3)).toBe('1969-12-31T23:59:59');
  });
});
