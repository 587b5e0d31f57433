// io.debezium.data.Bits: a BIT(n) value as little-endian bytes (base64 in JSON), leading zero
// bits dropped. Rendered as the bit string the database shows, padded to the declared length.

export function bitsFromBase64(encoded: string, length: number): string {
  const bytes = Buffer.from(encoded, 'base64');
  let text = '';
  for (let i = bytes.length - 1; i >= 0; i -= 1)
    text += (bytes[i] ?? 0).toString(2).padStart(8, '0');
  const trimmed = text.replace(/^0+/, '');
  return trimmed.padStart(Math.max(length, trimmed.length, 1), '0');
}
