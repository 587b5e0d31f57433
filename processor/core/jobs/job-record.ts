// The record a job works on, built from a change event. `partial` rows are the row itself
// (after; before or the key for deletes); `full` rows expose key, before, after, opcode, db,
// schema and table. After the transforms, `writeView` says what the outputs write.

import type { ChangeEvent, Row } from '../change-event.ts';
import type { JobObject, JobValue } from './job-value.ts';
import { isJobObject, rowToJob } from './job-value.ts';

export type RowFormat = 'partial' | 'full';
export type WriteOpcode = 'c' | 'u' | 'd' | 'r';

export interface JobRecord {
  readonly data: JobObject;
  /** Columns of the written row that the source did not send (kept in the target). */
  readonly unavailable: readonly string[];
}

function rowOrKey(event: ChangeEvent, row: Row | null): Row {
  return row ?? event.key;
}

/** The record of `event`; `side: 'before'` builds the record as it was before an update. */
export function eventRecord(
  event: ChangeEvent,
  format: RowFormat,
  side: 'now' | 'before',
): JobRecord {
  const written =
    side === 'before' || event.op === 'd'
      ? rowOrKey(event, event.before)
      : rowOrKey(event, event.after);
  const { data, unavailable } = rowToJob(written);
  if (format === 'partial') return { data, unavailable };
  const optional = (row: Row | null): JobValue => (row === null ? null : rowToJob(row).data);
  return {
    data: {
      key: rowToJob(event.key).data,
      before: optional(event.before),
      after: side === 'before' ? optional(event.before) : optional(event.after),
      opcode: event.op,
      db: event.db,
      schema: event.schema,
      table: event.table,
    },
    unavailable,
  };
}

export interface WriteView {
  readonly opcode: WriteOpcode;
  /** The row the outputs write (or whose key they delete). */
  readonly row: JobObject;
  /** What key and expire expressions see: the row, or the full record with `after` = row. */
  readonly scope: JobObject;
  /**
   * What args expressions (member, score, value) see: the row's fields, and with `full` rows
   * also the record's (key, before, after, opcode…) where the row has no field of that name;
   * RDI's examples write `args: {value: title}` under `row_format: full`.
   */
  readonly args: JobObject;
  readonly unavailable: readonly string[];
}

const OPCODES = new Set<string>(['c', 'u', 'd', 'r']);

/** What the outputs write for a transformed record, or a reason it cannot be written. */
export function writeView(
  record: JobRecord,
  format: RowFormat,
  eventOp: WriteOpcode,
): WriteView | { readonly invalid: string } {
  if (format === 'partial') {
    return {
      opcode: eventOp,
      row: record.data,
      scope: record.data,
      args: record.data,
      unavailable: record.unavailable,
    };
  }
  const { opcode, before, after, key } = record.data;
  if (typeof opcode !== 'string' || !OPCODES.has(opcode)) {
    return { invalid: "the record's opcode must be one of c, u, d, r" };
  }
  // A delete rewritten to an update (to keep the data) writes the row as it was.
  const row = opcode === 'd' ? (before ?? key) : (after ?? before);
  if (!isJobObject(row))
    return { invalid: `the record has no ${opcode === 'd' ? 'before' : 'after'} row to write` };
  const scope = { ...record.data, after: row };
  return {
    opcode: opcode as WriteOpcode,
    row,
    scope,
    args: { ...scope, ...row },
    unavailable: record.unavailable,
  };
}
