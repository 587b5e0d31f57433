// RDI's temporal renderings (docs/types.md, "RDI-compatible rendering"): epoch numbers whose
// fraction is the double nearest to the exact value, text such as 'infinity' kept.
import { describe, expect, it } from 'vitest';
import { rdiDate, rdiTime, rdiTimestamp, rdiZonedTime, rdiZonedTimestamp } from './type-rdi.ts';

describe('RDI renderings', () => {
  it('dates are epoch milliseconds, also before 1970', () => {
    expect(rdiDate(19_782n)).toBe(1_709_164_800_000);
    expect(rdiDate(-1n)).toBe(-86_400_000);
  });

  it('times are microseconds past midnight, whatever unit Debezium used', () => {
    expect(rdiTime(45_296_789n, 1000n)).toBe(45_296_789_000);
    expect(rdiTime(45_296_789_012n, 1_000_000n)).toBe(45_296_789_012);
    expect(rdiTime(86_400_000n, 1000n)).toBe(86_400_000_000);
    // MariaDB TIME is a signed duration.
    expect(rdiTime(-3_020_399_000_000n, 1_000_000n)).toBe(-3_020_399_000_000);
  });

  it('timestamps are epoch ms with the microseconds as fraction, nearest double', () => {
    expect(rdiTimestamp(1_709_210_096_789n, 1000n)).toBe(1_709_210_096_789);
    expect(rdiTimestamp(1_709_210_096_789_012n, 1_000_000n)).toBe(1_709_210_096_789.012);
    expect(rdiTimestamp(-1n, 1_000_000n)).toBe(-0.001);
    expect(rdiTimestamp(-1n, 1000n)).toBe(-1);
    // 17 significant digits do not fit a double: the nearest one is 253402300800000.
    expect(rdiTimestamp(253_402_300_799_999_999n, 1_000_000n)).toBe(253_402_300_800_000);
    // Nanoseconds are cut to the microsecond.
    expect(rdiTimestamp(1_709_210_096_789_012_999n, 1_000_000_000n)).toBe(1_709_210_096_789.012);
    expect(rdiTimestamp(-1n, 1_000_000_000n)).toBe(-0.001);
  });

  it('zoned timestamps (ISO text in UTC) become the same numbers; other text is kept', () => {
    expect(rdiZonedTimestamp('2024-02-29T10:34:56.789012Z')).toBe(1_709_202_896_789.012);
    expect(rdiZonedTimestamp('1970-01-01T00:00:00Z')).toBe(0);
    expect(rdiZonedTimestamp('1969-12-31T23:59:59.999999Z')).toBe(-0.001);
    expect(rdiZonedTimestamp('0001-01-01T00:00:00Z')).toBe(-62_135_596_800_000);
    expect(rdiZonedTimestamp('9999-12-31T23:59:59.999999Z')).toBe(253_402_300_800_000);
    expect(rdiZonedTimestamp('infinity')).toBe('infinity');
    expect(rdiZonedTimestamp('-infinity')).toBe('-infinity');
  });

  it('zoned times are seconds past midnight UTC', () => {
    expect(rdiZonedTime('10:34:56.789Z')).toBe(38_096.789);
    expect(rdiZonedTime('09:59:59.999999Z')).toBe(35_999.999_999);
    expect(rdiZonedTime('00:00:00Z')).toBe(0);
    expect(rdiZonedTime('12:00:00+02:00')).toBe('12:00:00+02:00');
  });
});
