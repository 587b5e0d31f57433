import { describe, expect, it } from 'vitest';
import {
  dateFromEpochDays,
  durationFromMicros,
  localTimestamp,
  normalizedZoned,
  timeOfDay,
} from './temporal.ts';

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

  it('renders years beyond 0000..9999 and JavaScript Date range exactly', () => {
    expect(dateFromEpochDays(-2_440_588)).toBe('-004713-11-24');
    expect(dateFromEpochDays(2_147_483_647)).toBe('+5881580-07-11');
    expect(localTimestamp(-210_863_520_000_000_000n, 1_000_000n, 6)).toBe('-004712-01-01T00:00:00');
  });

  it('renders MariaDB TIME durations, negative and beyond 24 hours', () => {
    expect(timeOfDay(-3_020_399_000_000n, 1_000_000n, 6)).toBe('-838:59:59');
    expect(timeOfDay(3_020_399_000_000n, 1_000_000n, 6)).toBe('838:59:59');
    expect(timeOfDay(-1n, 1_000_000n, 6)).toBe('-00:00:00.000001');
  });

  it('renders microsecond durations as ISO 8601', () => {
    expect(durationFromMicros(0n)).toBe('PT0S');
    expect(durationFromMicros(-1n)).toBe('PT-0.000001S');
    expect(durationFromMicros(3_723_500_000n)).toBe('PT3723.5S');
  });

  it('drops trailing zeros of zoned fractions, so snapshot and streaming agree', () => {
    expect(normalizedZoned('1970-01-01T00:00:01.000000Z')).toBe('1970-01-01T00:00:01Z');
    expect(normalizedZoned('2024-02-29T10:34:56.789000Z')).toBe('2024-02-29T10:34:56.789Z');
    expect(normalizedZoned('10:34:56.789Z')).toBe('10:34:56.789Z');
    expect(normalizedZoned('infinity')).toBe('infinity');
  });
});
