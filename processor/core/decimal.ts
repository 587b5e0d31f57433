// Exact decimals from Debezium's `precise` decimal encoding: the unscaled value as big-endian
// two's-complement bytes (base64 in JSON) plus a scale. BigInt arithmetic, never floats.

export function unscaledFromBase64(encoded: string): bigint {
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length === 0) return 0n;
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  const first = bytes[0] ?? 0;
  // Two's complement: a set top bit means the number is negative.
  if (first & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return value;
}

/** Renders `unscaled × 10^-scale` as a plain decimal string, e.g. (-12345n, 2) → "-123.45". */
export function formatScaledDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  if (scale <= 0) return (negative ? '-' : '') + digits + '0'.repeat(-scale);
  const padded = digits.padStart(scale + 1, '0');
  const whole = padded.slice(0, padded.length - scale);
  const fraction = padded.slice(padded.length - scale);
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

export function decimalFromBase64(encoded: string, scale: number): string {
  return formatScaledDecimal(unscaledFromBase64(encoded), scale);
}
