// Renders Debezium's numeric temporal encodings as ISO-8601 text without any time-zone
// shift: dates and zone-less timestamps are wall-clock values computed with integer calendar
// arithmetic (any year, no JS Date range limit), fractional digits kept exactly as captured.

function pad(value: bigint | number, width: number): string {
  return value.toString().padStart(width, '0');
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Proleptic Gregorian civil date of a day count since 1970-01-01 (H. Hinnant's algorithm). */
function civilFromDays(days: bigint): { year: bigint; month: bigint; day: bigint } {
  const z = days + 719_468n;
  const era = floorDiv(z, 146_097n);
  const doe = z - era * 146_097n;
  const yoe = (doe - doe / 1460n + doe / 36_524n - doe / 146_096n) / 365n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const day = doy - (153n * mp + 2n) / 5n + 1n;
  const month = mp < 10n ? mp + 3n : mp - 9n;
  const year = yoe + era * 400n + (month <= 2n ? 1n : 0n);
  return { year, month, day };
}

/** ISO 8601 year: 4 digits for 0000..9999, else signed and at least 6 digits (astronomical). */
function yearText(year: bigint): string {
  if (year >= 0n && year <= 9999n) return pad(year, 4);
  return (year < 0n ? '-' : '+') + pad(year < 0n ? -year : year, 6);
}

/** Days since 1970-01-01 → `YYYY-MM-DD` (proleptic Gregorian, astronomical year numbering). */
export function dateFromEpochDays(days: number | bigint): string {
  const { year, month, day } = civilFromDays(BigInt(days));
  return `${yearText(year)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Fraction digits with trailing zeros dropped, or '' when zero. */
function fractionText(remainder: bigint, digits: number): string {
  if (remainder === 0n) return '';
  return '.' + pad(remainder, digits).replace(/0+$/, '');
}

/**
 * A time of day or (MySQL/MariaDB TIME) a signed duration from a count of `unitsPerSecond`
 * units → `[-]HH:MM:SS[.fff…]`; hours may exceed 24 (MariaDB allows -838:59:59..838:59:59).
 */
export function timeOfDay(units: bigint, unitsPerSecond: bigint, digits: number): string {
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  const seconds = magnitude / unitsPerSecond;
  const remainder = magnitude % unitsPerSecond;
  const h = seconds / 3600n;
  const m = (seconds % 3600n) / 60n;
  const s = seconds % 60n;
  const text = `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${fractionText(remainder, digits)}`;
  return negative ? `-${text}` : text;
}

/** Zone-less timestamp from units since the epoch → `YYYY-MM-DDTHH:MM:SS[.fff…]`. */
export function localTimestamp(units: bigint, unitsPerSecond: bigint, digits: number): string {
  const seconds = floorDiv(units, unitsPerSecond);
  const remainder = units - seconds * unitsPerSecond;
  const days = floorDiv(seconds, 86_400n);
  const secondOfDay = seconds - days * 86_400n;
  const time = timeOfDay(secondOfDay * unitsPerSecond + remainder, unitsPerSecond, digits);
  return `${dateFromEpochDays(days)}T${time}`;
}

/** A signed count of microseconds as an ISO 8601 duration of seconds, e.g. `PT-0.000001S`. */
export function durationFromMicros(micros: bigint): string {
  const negative = micros < 0n;
  const magnitude = negative ? -micros : micros;
  const text = `${magnitude / 1_000_000n}${fractionText(magnitude % 1_000_000n, 6)}`;
  return `PT${negative ? '-' : ''}${text}S`;
}

/**
 * Debezium's ISO text of a zoned timestamp or time, with trailing zeros of the fraction
 * dropped: the snapshot and the binlog/WAL write the same instant with different fraction
 * widths ('…:01Z' and '…:01.000000Z'), and one value must have one rendering.
 */
export function normalizedZoned(text: string): string {
  return text.replace(/\.(\d*?)0+(?=Z|[+-]\d\d:?\d\d$)/, (_m, digits: string) =>
    digits === '' ? '' : `.${digits}`,
  );
}
