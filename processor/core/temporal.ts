// Renders Debezium's numeric temporal encodings as ISO-8601 text without any time-zone
// shift: dates and zone-less timestamps are wall-clock values whose calendar comes from
// @js-joda/core (proleptic Gregorian, no JS Date range limit), fractional digits kept exactly
// as captured. bench/temporal-bench.ts measured it against hand-written arithmetic.

import { LocalDate } from '@js-joda/core';

function pad(value: bigint | number, width: number): string {
  return value.toString().padStart(width, '0');
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Days in 400 Gregorian years: the calendar repeats after them. */
const CYCLE_DAYS = 146_097;
/** Well inside js-joda's epoch-day range (±365,000,000). */
const JODA_SAFE_DAYS = 300_000_000;

/** ISO 8601 year: 4 digits for 0000..9999, else signed and at least 6 digits (astronomical). */
function yearText(year: number): string {
  if (year >= 0 && year <= 9999) return pad(year, 4);
  return (year < 0 ? '-' : '+') + pad(Math.abs(year), 6);
}

/** Days since 1970-01-01 → `YYYY-MM-DD` (proleptic Gregorian, astronomical year numbering). */
export function dateFromEpochDays(days: number | bigint): string {
  // Debezium's days fit an int32 (timestamps' days far less): exact as a number. js-joda
  // covers about ±1,000,000 years, an int32 of days ±5,880,000: beyond, whole 400-year
  // Gregorian cycles (which repeat exactly) are taken out and added back to the year.
  let epochDay = Number(days);
  let years = 0;
  if (Math.abs(epochDay) > JODA_SAFE_DAYS) {
    const cycles = Math.trunc(epochDay / CYCLE_DAYS);
    epochDay -= cycles * CYCLE_DAYS;
    years = cycles * 400;
  }
  const date = LocalDate.ofEpochDay(epochDay);
  const year = yearText(date.year() + years);
  return `${year}-${pad(date.monthValue(), 2)}-${pad(date.dayOfMonth(), 2)}`;
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
  return localTimestampWith(dateFromEpochDays, units, unitsPerSecond, digits);
}

/** localTimestamp with another rendering of the date (bench/temporal-bench.ts compares two). */
export function localTimestampWith(
  dateText: (days: bigint) => string,
  units: bigint,
  unitsPerSecond: bigint,
  digits: number,
): string {
  const seconds = floorDiv(units, unitsPerSecond);
  const remainder = units - seconds * unitsPerSecond;
  const days = floorDiv(seconds, 86_400n);
  const secondOfDay = seconds - days * 86_400n;
  const time = timeOfDay(secondOfDay * unitsPerSecond + remainder, unitsPerSecond, digits);
  return `${dateText(days)}T${time}`;
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
