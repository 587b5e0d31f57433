// The default job (RDI's behaviour with no job file): one hash (or, with target_data_type
// json, one JSON document) per row at `<table>:<k1>:<v1>[:<k2>:<v2>…]`, replaced on every
// change, removed on delete. Pure and synchronous: (event) → plan.

import { SluiceError } from '../common/errors.ts';
import type { ChangeEvent, Row } from './change-event.ts';
import { UNAVAILABLE } from './change-event.ts';
import { renderHashValue } from './render-hash-value.ts';
import type { EventPlan, WriteOp } from './write-plan.ts';

/** RDI's default key: table name, then each key column and its value, joined by ':'. */
export function defaultKey(event: ChangeEvent): string {
  const keyRow: Row = Object.keys(event.key).length > 0 ? event.key : {};
  const parts: string[] = [event.table];
  for (const [column, value] of Object.entries(keyRow)) {
    if (value === null || value === UNAVAILABLE) {
      throw new SluiceError('ENVELOPE_NO_KEY', `Key column '${column}' of ${event.table} is null.`);
    }
    parts.push(column, renderHashValue(value));
  }
  if (parts.length === 1) {
    throw new SluiceError('ENVELOPE_NO_KEY', `The change to ${event.table} carries no key.`, {
      hint: `Give the table a primary key, or list key columns under sources.<source>.tables.${event.table}.keys.`,
    });
  }
  return parts.join(':');
}

function hashFields(row: Row): { fields: [string, string][]; keep: string[] } {
  const fields: [string, string][] = [];
  const keep: string[] = [];
  for (const [column, value] of Object.entries(row)) {
    if (value === UNAVAILABLE) keep.push(column);
    else if (value !== null) fields.push([column, renderHashValue(value)]);
  }
  return { fields, keep };
}

export function planDefaultJob(event: ChangeEvent): EventPlan {
  if (event.op === 't' || event.op === 'm') return { ops: [], outcome: 'filtered' };
  const key = defaultKey(event);
  if (event.op === 'd' || event.after === null) {
    return { ops: [{ kind: 'del', key }], outcome: 'deleted' };
  }
  const { fields, keep } = hashFields(event.after);
  const ops: WriteOp[] = [{ kind: 'hash', key, fields, keep }];
  return { ops, outcome: event.op === 'u' ? 'updated' : 'inserted' };
}

// JSON.rawJSON (Node 21+) writes a bigint's digits verbatim; TypeScript's lib lacks it.
const rawJson = (text: string): unknown =>
  (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(text);

/** The row as a JSON document: big integers exact, unsent (TOASTed) columns left out. */
function jsonDocument(row: Row): { json: string; unavailable: boolean } {
  let unavailable = false;
  const json = JSON.stringify(row, (_key, value: unknown) => {
    if (typeof value === 'bigint') return rawJson(value.toString());
    if (value === UNAVAILABLE) unavailable = true;
    return value;
  });
  return { json, unavailable };
}

/** The default job with `processors.target_data_type: json`. */
export function planDefaultJsonJob(event: ChangeEvent): EventPlan {
  if (event.op === 't' || event.op === 'm') return { ops: [], outcome: 'filtered' };
  const key = defaultKey(event);
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
