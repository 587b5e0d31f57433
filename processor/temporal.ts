// Renders Debezium's numeric temporal encodings as ISO-8601 text without any time-zone
// shift: dates and zone-less timestamps are wall-clock values and are formatted in UTC
// arithmetic, fractional digits kept exactly as captured.

const MS_PER_DAY = 86_400_000n;

function pad(value: bigint | number, width: number): string {
  return value.toString().padStart(width, '0');
}

/** Days since 1970-01-01 → `YYYY-MM-DD` (proleptic Gregorian, years outside 0..9999 signed). */
export function dateFromEpochDays(days: number): string {
  return isoDate(BigInt(days) * MS_PER_DAY);
}

function isoDate(epochMs: bigint): string {
  const date = new Date(Number(epochMs));
  const year = date.getUTCFullYear();
  const yearText =
    year >= 0 && year <= 9999 ? pad(year, 4) : (year < 0 ? '-' : '+') + pad(Math.abs(year), 6);
  return `${yearText}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Fraction digits with trailing zeros dropped, or '' when zero. */
function fractionText(remainder: bigint, digits: number): string {
  if (remainder === 0n) return '';
  return '.' + pad(remainder, digits).replace(/0+$/, '');
}

/** Time of day from a count of `unitsPerSecond` units since midnight → `HH:MM:SS[.fff…]`. */
export function timeOfDay(units: bigint, unitsPerSecond: bigint, digits: number): string {
  const seconds = floorDiv(units, unitsPerSecond);
  const remainder = units - seconds * unitsPerSecond;
  const h = seconds / 3600n;
  const m = (seconds % 3600n) / 60n;
  const s = seconds % 60n;
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${fractionText(remainder, digits)}`;
}

/** Zone-less timestamp from units since the epoch → `YYYY-MM-DDTHH:MM:SS[.fff…]`. */
export function localTimestamp(units: bigint, unitsPerSecond: bigint, digits: number): string {
  const seconds = floorDiv(units, unitsPerSecond);
  const remainder = units - seconds * unitsPerSecond;
  const days = floorDiv(seconds, 86_400n);
  const secondOfDay = seconds - days * 86_400n;
  const time = timeOfDay(secondOfDay * unitsPerSecond + remainder, unitsPerSecond, digits);
  return `${isoDate(days * MS_PER_DAY)}T${time}`;
}
