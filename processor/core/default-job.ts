// The default job (RDI's behaviour with no job file): one hash (or, with target_data_type
// json, one JSON document) per row at `<table>:<k1>:<v1>[:<k2>:<v2>…]`, replaced on every
// change, removed on delete. Pure and synchronous: (event) → plan, for a data type and a type
// rendering chosen once (defaultJobFor).

import { SluiceError } from '../../common/errors.ts';
import type { ChangeEvent, Row } from './change-event.ts';
import { UNAVAILABLE } from './change-event.ts';
import { renderHashValue } from './render-hash-value.ts';
import { renderJsonValue } from './render-json-value.ts';
import type { TypeRendering } from './type-rendering.ts';
import type { EventPlan, WriteOp } from './write-plan.ts';

/**
 * RDI's default key: table name, then each key column and its value, joined by ':'. A key
 * part is written as its hash field (so with `rdi`, a boolean key column is `1` / `0`).
 */
export function defaultKey(event: ChangeEvent, rendering: TypeRendering = 'sluice'): string {
  const keyRow: Row = Object.keys(event.key).length > 0 ? event.key : {};
  const parts: string[] = [event.table];
  for (const [column, value] of Object.entries(keyRow)) {
    if (value === null || value === UNAVAILABLE) {
      throw new SluiceError('ENVELOPE_NO_KEY', `Key column '${column}' of ${event.table} is null.`);
    }
    parts.push(column, renderHashValue(value, rendering));
  }
  if (parts.length === 1) {
    throw new SluiceError('ENVELOPE_NO_KEY', `The change to ${event.table} carries no key.`, {
      hint: `Give the table a primary key, or list key columns under sources.<source>.tables.${event.table}.keys.`,
    });
  }
  return parts.join(':');
}

function hashFields(
  row: Row,
  rendering: TypeRendering,
): { fields: [string, string][]; keep: string[] } {
  const fields: [string, string][] = [];
  const keep: string[] = [];
  for (const [column, value] of Object.entries(row)) {
    if (value === UNAVAILABLE) keep.push(column);
    else if (value !== null) fields.push([column, renderHashValue(value, rendering)]);
  }
  return { fields, keep };
}

function planHash(event: ChangeEvent, rendering: TypeRendering): EventPlan {
  if (event.op === 't' || event.op === 'm') return { ops: [], outcome: 'filtered' };
  const key = defaultKey(event, rendering);
  if (event.op === 'd' || event.after === null) {
    return { ops: [{ kind: 'del', key }], outcome: 'deleted' };
  }
  const { fields, keep } = hashFields(event.after, rendering);
  const ops: WriteOp[] = [{ kind: 'hash', key, fields, keep }];
  return { ops, outcome: event.op === 'u' ? 'updated' : 'inserted' };
}

/**
 * The row as a JSON document, each column by docs/types.md's JSON rendering (exact integers,
 * NaN and ±Infinity as strings, -0 kept); unsent (TOASTed) columns are left out. Both
 * renderings share it: the decoder has already turned RDI's dates and times into numbers, and
 * booleans are `true` / `false` in a JSON document either way.
 */
function jsonDocument(row: Row): { json: string; unavailable: boolean } {
  let unavailable = false;
  const document: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    if (value === UNAVAILABLE) unavailable = true;
    else document[column] = renderJsonValue(value);
  }
  return { json: JSON.stringify(document), unavailable };
}

/** The default job with `processors.target_data_type: json`. */
function planJson(event: ChangeEvent, rendering: TypeRendering): EventPlan {
  if (event.op === 't' || event.op === 'm') return { ops: [], outcome: 'filtered' };
  const key = defaultKey(event, rendering);
  if (event.op === 'd' || event.after === null) {
    return { ops: [{ kind: 'del', key }], outcome: 'deleted' };
  }
  const { json, unavailable } = jsonDocument(event.after);
  // JSON.MERGE keeps the stored value of columns the source did not send.
  const op: WriteOp = unavailable
    ? { kind: 'json-merge', key, path: '$', json }
    : { kind: 'json-set', key, path: '$', json, ensure: [] };
  return { ops: [op], outcome: event.op === 'u' ? 'updated' : 'inserted' };
}

/** The default job of a pipeline: hash or JSON per `target_data_type`, in one rendering. */
export function defaultJobFor(
  dataType: 'hash' | 'json',
  rendering: TypeRendering,
): (event: ChangeEvent) => EventPlan {
  return dataType === 'json'
    ? (event) => planJson(event, rendering)
    : (event) => planHash(event, rendering);
}

/** The default job into hashes, Sluice rendering. */
export const planDefaultJob = defaultJobFor('hash', 'sluice');

/** The default job with `processors.target_data_type: json`, Sluice rendering. */
export const planDefaultJsonJob = defaultJobFor('json', 'sluice');
