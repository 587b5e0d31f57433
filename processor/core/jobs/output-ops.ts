// The write ops of one output for one record, per data type: what an upsert writes, what a
// delete removes, and what must go when an update moved the record to another key or member.
// Pure and synchronous: every expression has already been evaluated.

import type { DataType } from '../../../pipeline/job-schema.ts';
import type { TypeRendering } from '../type-rendering.ts';
import type { WriteOp } from '../write-plan.ts';
import type { JobObject, JobValue } from './job-value.ts';
import { documentJson, renderText } from './job-value.ts';

/** Where a record lives in the target: its key, and its member for sets and sorted sets. */
export interface Placement {
  readonly key: string;
  readonly member?: string;
  readonly score?: string;
  /** string outputs: the value to store. */
  readonly value?: string;
}

/** The row as the output writes it: named fields (hash, stream) and a document (json). */
export interface MappedRow {
  readonly fields: readonly (readonly [string, JobValue])[];
  readonly document: JobObject;
  /** Output names of fields the source did not send; their stored value is kept. */
  readonly keep: readonly string[];
}

export type UpdateMode = 'replace' | 'merge';

function textFields(fields: MappedRow['fields'], rendering: TypeRendering): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of fields) {
    if (value !== null) out.push([name, renderText(value, rendering)]);
  }
  return out;
}

export function upsertOps(
  type: DataType,
  at: Placement,
  row: MappedRow,
  mode: UpdateMode,
  opcode: string,
  rendering: TypeRendering,
): WriteOp[] {
  const { key } = at;
  switch (type) {
    case 'hash':
      if (mode === 'merge') {
        const remove = row.fields.filter(([, value]) => value === null).map(([name]) => name);
        return [{ kind: 'hash-merge', key, fields: textFields(row.fields, rendering), remove }];
      }
      return [{ kind: 'hash', key, fields: textFields(row.fields, rendering), keep: row.keep }];
    case 'json':
      // Merging also serves a replace that must keep unsent fields: JSON.MERGE leaves them be.
      if (mode === 'merge' || row.keep.length > 0) {
        return [{ kind: 'json-merge', key, path: '$', json: documentJson(row.document) }];
      }
      return [{ kind: 'json-set', key, path: '$', json: documentJson(row.document), ensure: [] }];
    case 'set':
      return [{ kind: 'sadd', key, member: at.member ?? '' }];
    case 'sorted_set':
      return [{ kind: 'zadd', key, score: at.score ?? '0', member: at.member ?? '' }];
    case 'stream':
      return [streamAdd(key, row, opcode, rendering)];
    case 'string':
      return [{ kind: 'string', key, value: at.value ?? documentJson(row.document) }];
  }
}

export function streamAdd(
  key: string,
  row: MappedRow,
  opcode: string,
  rendering: TypeRendering,
): WriteOp {
  return { kind: 'xadd', key, fields: [...textFields(row.fields, rendering), ['op_code', opcode]] };
}

export function deleteOps(type: DataType, at: Placement): WriteOp[] {
  switch (type) {
    case 'set':
      return [{ kind: 'srem', key: at.key, member: at.member ?? '' }];
    case 'sorted_set':
      return [{ kind: 'zrem', key: at.key, member: at.member ?? '' }];
    case 'stream':
      return [];
    default:
      return [{ kind: 'del', key: at.key }];
  }
}

/** Ops removing the record from where it was before an update, if it has moved. */
export function movedOps(type: DataType, before: Placement, now: Placement): WriteOp[] {
  if (type === 'stream') return [];
  const moved =
    before.key !== now.key ||
    ((type === 'set' || type === 'sorted_set') && before.member !== now.member);
  return moved ? deleteOps(type, before) : [];
}
