// Estimates the size of a change entry (as Debezium's Redis sink measures it: stream name,
// field names and values) from a captured table's columns, before any entry exists, so that a
// deploy can warn when the RDI database's maxmemory is too small for the sink's memory rule
// (sink-memory-stall.ts). Calibrated on entries of the all-types tables captured from Debezium
// Server 3.6.1 with value schemas on (processor/fixtures/*-all-types.jsonl): about 2,550 B of
// envelope, source block, key and headers, then per column its schema twice (before and
// after) and its value once (a snapshot row has no `before`). Pure.

import type { SourceTable } from '../sources/source-schema.ts';

/** Envelope schema and payload outside the row, key document, headers, stream name. */
const FIXED_BYTES = 2_550;
/** `{"type":"string","optional":true,"field":""}` and its comma, without the name. */
const FIELD_SCHEMA_BYTES = 46;
/** `"":,` around a value in the payload, without the name. */
const FIELD_PAYLOAD_BYTES = 4;

/** Extra schema text of logical types (`"name":"io.debezium.time.MicroTimestamp","version":1,`…). */
function logicalSchemaBytes(type: string): number {
  if (/^(date|time|timestamp|datetime|interval|year)/.test(type)) return 40;
  if (/^(numeric|decimal|bit|varbit|uuid|json|jsonb|xml|enum|set|geometry)/.test(type)) return 50;
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
    size += 2 * (FIELD_SCHEMA_BYTES + name + logicalSchemaBytes(type));
    size += FIELD_PAYLOAD_BYTES + name + valueBytes(type);
  }
  return size;
}
