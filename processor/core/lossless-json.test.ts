import { describe, expect, it } from 'vitest';
import { parseJsonLossless } from './lossless-json.ts';

describe('parseJsonLossless', () => {
  it('keeps integers beyond 2^53 exact, in objects and arrays', () => {
    expect(parseJsonLossless('{"a":18446744073709551615,"b":[-9223372036854775808,1]}')).toEqual({
      a: 18446744073709551615n,
      b: [-9223372036854775808n, 1],
    });
    expect(parseJsonLossless('{"a":9007199254740993}')).toEqual({ a: 9007199254740993n });
  });

  it('leaves safe integers, floats and strings alone', () => {
    expect(
      parseJsonLossless(
        '{"a":9007199254740991,"f":12345678901234567.5,"s":"12345678901234567890"}',
      ),
    ).toEqual({ a: 9007199254740991, f: 12345678901234567.5, s: '12345678901234567890' });
    expect(parseJsonLossless('{"e":12345678901234567e3}')).toEqual({ e: 12345678901234567e3 });
  });

  it('does not take the slow path for ts_ns alone, and keeps other long fields exact', () => {
    const fast = parseJsonLossless('{"ts_ns":1764470000123456789,"id":1}') as Record<
      string,
      unknown
    >;
    expect(typeof fast.ts_ns).toBe('number');
    const slow = parseJsonLossless(
      '{"ts_ns":1764470000123456789,"id":1764470000123456789}',
    ) as Record<string, unknown>;
    expect(slow.id).toBe(1764470000123456789n);
  });

  it('parses digits inside strings as strings even when they trigger the slow path', () => {
    expect(parseJsonLossless('{"s":"[12345678901234567890","n":1}')).toEqual({
      s: '[12345678901234567890',
      n: 1,
    });
  });
});
