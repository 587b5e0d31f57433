import { describe, expect, it } from 'vitest';
import { decimalFromBase64, formatScaledDecimal, unscaledFromBase64 } from './decimal.ts';

function base64OfBigInt(value: bigint): string {
  // Minimal two's-complement big-endian encoding, as Kafka Connect's Decimal writes it.
  let bytes: number[] = [];
  let v = value;
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (!(v === 0n && (bytes[0] ?? 0) < 0x80) && !(v === -1n && (bytes[0] ?? 0) >= 0x80));
  bytes = bytes.length === 0 ? [0] : bytes;
  return Buffer.from(bytes).toString('base64');
}

describe('decimal', () => {
  it.each([
    [0n, 0, '0'],
    [12345n, 2, '123.45'],
    [-12345n, 2, '-123.45'],
    [5n, 3, '0.005'],
    [-5n, 3, '-0.005'],
    [100n, 0, '100'],
    [12n, -2, '1200'],
    [123456789012345678901234567890123456789n, 10, '12345678901234567890123456789.0123456789'],
  ])('formats %s with scale %s as %s', (unscaled, scale, text) => {
    expect(formatScaledDecimal(unscaled, scale)).toBe(text);
    expect(decimalFromBase64(base64OfBigInt(unscaled), scale)).toBe(text);
  });

  it('reads two-complement bytes', () => {
    expect(unscaledFromBase64(Buffer.from([0xff]).toString('base64'))).toBe(-1n);
    expect(unscaledFromBase64(Buffer.from([0x00, 0xff]).toString('base64'))).toBe(255n);
    expect(unscaledFromBase64(Buffer.from([0x80, 0x00]).toString('base64'))).toBe(-32768n);
    expect(unscaledFromBase64('')).toBe(0n);
  });
});
