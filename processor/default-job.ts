// The default job (RDI's behaviour with no job file): one hash per row at
// `<table>:<k1>:<v1>[:<k2>:<v2>…]`, replaced on every change, removed on delete.
// Pure: (event) → plan.

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
