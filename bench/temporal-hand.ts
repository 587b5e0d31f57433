// The baseline of bench/temporal-bench.ts: processor/core/temporal.ts's calendar arithmetic as it
// was before @js-joda/core (integer civil-from-days on BigInt, H. Hinnant's algorithm), kept
// only to be measured against: the date; a timestamp's time of day is shared.

import { localTimestampWith } from '../processor/core/temporal.ts';

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

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

function yearText(year: bigint): string {
  const digits = (year < 0n ? -year : year).toString();
  if (year >= 0n && year <= 9999n) return digits.padStart(4, '0');
  return (year < 0n ? '-' : '+') + digits.padStart(6, '0');
}

export function handDateFromEpochDays(days: number | bigint): string {
  const { year, month, day } = civilFromDays(BigInt(days));
  return `${yearText(year)}-${month.toString().padStart(2, '0')}-${day.toString().padStart(2, '0')}`;
}

export function handLocalTimestamp(units: bigint, unitsPerSecond: bigint, digits: number): string {
  return localTimestampWith(handDateFromEpochDays, units, unitsPerSecond, digits);
}
