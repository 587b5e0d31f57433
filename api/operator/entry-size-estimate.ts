// Estimates the size of a change entry (as Debezium's Redis sink measures it: stream name,
// field names and values) from a captured table's columns, before any entry exists, so that a
// deploy can warn when the RDI database's maxmemory is too small for the sink's memory rule
// (sink-memory-stall.ts). Calibrated on entries of the all-types tables captured from Debezium
// Server 3.6.1 in the format Sluice renders (schemas off, Sluice's compact type descriptor:
// processor/fixtures/*-all-types-compact.jsonl): a fixed part (envelope, source block, key,
// headers), then per column its name twice (payload and descriptor), its type code and its
// value (a snapshot row has no `before`). Pure.

import type { SourceTable } from '../sources/source-schema.ts';

/** Envelope, source block, key, run-id header; fitted small: the per-column parts are generous. */
const FIXED_BYTES = 80;
/** `"":,` around a value in the payload, without the name. */
const FIELD_PAYLOAD_BYTES = 4;
/** `:s,` of the column in the type descriptor, without the name. */
const FIELD_DESCRIPTOR_BYTES = 3;

/** Extra descriptor text of logical types (`@MTS`, `@K(scale=2)`, `@B(length=12)`). */
function logicalDescriptorBytes(type: string): number {
  if (/^(date|time|timestamp|datetime|interval|year|uuid|json|jsonb|xml|enum|set)/.test(type)) {
    return 4;
  }
  if (/^(numeric|decimal|bit|varbit|geometry)/.test(type)) return 12;
  return 0;
}

/** A typical rendered value's length: declared lengths capped, numbers and times by format. */
function valueBytes(type: string): number {
  const declared = /\((\d+)\)/.exec(type)?.[1];
  if (/char|binary/.test(type) && declared !== undefined) return Math.min(Number(declared), 256);
  if (/^(bool|bit\(1\)|tinyint)/.test(type)) return 5;
  if (/^(smallint|int|integer|mediumint|serial|year)/.test(type)) return 8;
  if (/^(bigint|bigserial|double|float|real)/.test(type)) return 20;
  if (/^(numeric|decimal|money)/.test(type)) return 22;
  if (/^(date)$/.test(type)) return 6;
  if (/^(time|timestamp|datetime)/.test(type)) return 30;
  if (/^uuid/.test(type)) return 38;
  if (/json|xml|text|blob|bytea|\[\]/.test(type)) return 64;
  return 32;
}

/** Estimated bytes of one snapshot or insert entry of `table` in stream `stream`. */
export function estimatedEntryBytes(table: SourceTable, stream: string): number {
  let size = FIXED_BYTES + Buffer.byteLength(stream);
  for (const column of table.columns) {
    const type = column.type.toLowerCase();
    const name = Buffer.byteLength(column.name);
    size += FIELD_DESCRIPTOR_BYTES + name + logicalDescriptorBytes(type);
    size += FIELD_PAYLOAD_BYTES + name + valueBytes(type);
  }
  return size;
}
