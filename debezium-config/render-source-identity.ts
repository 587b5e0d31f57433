// Names and numbers a source must keep across restarts, derived from its name alone: the
// PostgreSQL replication slot and publication, and the MySQL/MariaDB replica server id.
// Changing them would make Debezium start a new slot or binlog client and lose its place.

/** 32-bit FNV-1a hash of the UTF-16 units of `text`. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

const PG_IDENTIFIER_MAX = 63;

/**
 * A PostgreSQL replication slot (and publication) name for `sourceName`: `sluice_<name>` with
 * only lower-case letters, digits and `_`, at most 63 characters. When that rewrite loses
 * information (`Pg-1` and `pg_1`), a hash of the original name keeps two sources apart.
 */
export function replicationSlotName(sourceName: string): string {
  const cleaned = sourceName.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const base = `sluice_${cleaned}`;
  const lossless = cleaned === sourceName && base.length <= PG_IDENTIFIER_MAX;
  if (lossless) return base;
  const suffix = `_${fnv1a32(sourceName).toString(16).padStart(8, '0')}`;
  return base.slice(0, PG_IDENTIFIER_MAX - suffix.length) + suffix;
}

const SERVER_ID_BASE = 1_000_000;
const SERVER_ID_SPAN = 1_000_000_000;

/**
 * The replica `server_id` Debezium presents to MySQL/MariaDB: stable for a source name, in
 * [1 000 000, 1 001 000 000) to stay clear of the small ids servers are usually given.
 */
export function replicaServerId(sourceName: string): number {
  return SERVER_ID_BASE + (fnv1a32(sourceName) % SERVER_ID_SPAN);
}
