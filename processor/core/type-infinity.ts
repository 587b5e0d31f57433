// PostgreSQL's ±infinity dates and timestamps reach Debezium as the JDBC driver's sentinel
// instants (PGStatement.DATE_POSITIVE/NEGATIVE_INFINITY); no real PostgreSQL value can take
// these encodings, so they are turned back into 'infinity' / '-infinity'.

const POSITIVE_MS = 9_223_372_036_825_200n;
const NEGATIVE_MS = -9_223_372_036_832_400n;

/**
 * Epoch days Debezium writes for date 'infinity' / '-infinity': overflowed sentinels, one pair
 * from the snapshot (JDBC) and one from streaming (pgoutput), all outside PostgreSQL's range.
 */
const DAYS: ReadonlyMap<bigint, string> = new Map([
  [-622_191_234n, 'infinity'],
  [-625_821_272n, '-infinity'],
  [-2_147_472_692n, 'infinity'],
  [-2_147_472_691n, '-infinity'],
]);

/** 'infinity' / '-infinity' when `units` (of `unitsPerSecond`) is a sentinel, else undefined. */
export function infiniteTimestamp(units: bigint, unitsPerSecond: bigint): string | undefined {
  const perMs = unitsPerSecond / 1000n;
  if (perMs === 0n) return undefined;
  if (units === POSITIVE_MS * perMs) return 'infinity';
  if (units === NEGATIVE_MS * perMs) return '-infinity';
  return undefined;
}

export function infiniteDate(days: bigint): string | undefined {
  return DAYS.get(days);
}
