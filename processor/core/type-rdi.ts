// RDI's renderings of Debezium's temporal values (its documented "data type conversion"):
// dates as epoch milliseconds, times as microseconds past midnight, timestamps as epoch
// milliseconds with a microsecond fraction, zoned times as seconds past midnight UTC.
// Fractional results are the double nearest to the exact decimal value: they are built as
// decimal text and parsed once (parsing rounds correctly; chained float arithmetic may not).

/** The double nearest to `units / perUnit` (perUnit a power of ten), via its exact decimal. */
function nearestDouble(units: bigint, perUnit: bigint): number {
  const magnitude = units < 0n ? -units : units;
  const digits = perUnit.toString().length - 1;
  const whole = magnitude / perUnit;
  const fraction = (magnitude % perUnit).toString().padStart(digits, '0');
  const sign = units < 0n ? '-' : '';
  return Number(digits === 0 ? `${sign}${whole}` : `${sign}${whole}.${fraction}`);
}

export function rdiDate(days: bigint): number {
  return Number(days * 86_400_000n);
}

export function rdiTime(units: bigint, unitsPerSecond: bigint): number {
  return Number((units * 1_000_000n) / unitsPerSecond);
}

/**
 * Epoch milliseconds as a number, the microseconds as its fraction (RDI: ms.µs); finer units
 * (NanoTimestamp) are cut to the microsecond before it.
 */
export function rdiTimestamp(units: bigint, unitsPerSecond: bigint): number {
  if (unitsPerSecond <= 1000n) return Number((units * 1000n) / unitsPerSecond);
  const perMicro = unitsPerSecond / 1_000_000n;
  let micros = units;
  if (perMicro > 1n) {
    micros = units / perMicro;
    if (units % perMicro !== 0n && units < 0n) micros -= 1n;
  }
  return nearestDouble(micros, 1000n);
}

const ZONED = /^([+-]?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z$/;

/** An ISO instant ending in Z → epoch ms.µs; other text (e.g. 'infinity') is kept. */
export function rdiZonedTimestamp(text: string): number | string {
  const match = ZONED.exec(text);
  if (match === null) return text;
  const ms = Date.parse(`${match[1] ?? ''}Z`);
  if (Number.isNaN(ms)) return text;
  const micros = (match[2] ?? '.').slice(1).padEnd(6, '0').slice(0, 6);
  return nearestDouble(BigInt(ms) * 1000n + BigInt(micros), 1000n);
}

/** `HH:MM:SS[.f]Z` → seconds past midnight UTC. */
export function rdiZonedTime(text: string): number | string {
  const match = /^(\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z$/.exec(text);
  if (match === null) return text;
  const seconds = BigInt(Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]));
  const fraction = match[4] ?? '';
  const scale = 10n ** BigInt(fraction.length);
  return nearestDouble(seconds * scale + BigInt(fraction === '' ? '0' : fraction), scale);
}
