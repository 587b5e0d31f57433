// RDI's renderings of Debezium's temporal values (its documented "data type conversion"):
// dates as epoch milliseconds, times as microseconds past midnight, timestamps as epoch
// milliseconds with a microsecond fraction, zoned times as seconds past midnight UTC.

export function rdiDate(days: bigint): number {
  return Number(days * 86_400_000n);
}

export function rdiTime(units: bigint, unitsPerSecond: bigint): number {
  return Number((units * 1_000_000n) / unitsPerSecond);
}

/** Epoch milliseconds as a number, sub-millisecond digits as its fraction (RDI: ms.µs). */
export function rdiTimestamp(units: bigint, unitsPerSecond: bigint): number {
  if (unitsPerSecond <= 1000n) return Number((units * 1000n) / unitsPerSecond);
  const perMs = unitsPerSecond / 1000n;
  return Number(units) / Number(perMs);
}

const ZONED = /^([+-]?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z$/;

/** An ISO instant ending in Z → epoch ms.µs; other text (e.g. 'infinity') is kept. */
export function rdiZonedTimestamp(text: string): number | string {
  const match = ZONED.exec(text);
  if (match === null) return text;
  const ms = Date.parse(`${match[1] ?? ''}Z`);
  if (Number.isNaN(ms)) return text;
  const fraction = (match[2] ?? '.').slice(1).padEnd(6, '0').slice(0, 6);
  return ms + Number(fraction) / 1000;
}

/** `HH:MM:SS[.f]Z` → seconds past midnight UTC. */
export function rdiZonedTime(text: string): number | string {
  const match = /^(\d\d):(\d\d):(\d\d(?:\.\d+)?)Z$/.exec(text);
  if (match === null) return text;
  return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}
