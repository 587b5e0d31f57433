// The row index (docs/jobs.md, "Row index"): for tables whose outputs place a row by its
// content (computed keys and members, nest), and for every table with `on_truncate: delete`,
// each target keeps the hash `sluice:rows:<stream>`: field = the source row's key, value =
// what the row has placed there. apply-batch.lua maintains it in the batch's atomic step, so an
// update or a delete removes the old key, member or nested entry even when the change carries
// no `before` row (PostgreSQL without REPLICA IDENTITY FULL). Pure: plans only.

import type { ChangeEvent } from './change-event.ts';
import { UNAVAILABLE } from './change-event.ts';
import { renderHashValue } from './render-hash-value.ts';
import type { EventPlan, WriteOp } from './write-plan.ts';
import { connectionOf } from './write-plan.ts';
import { rowIndexKey } from '../../pipeline/redis-keys.ts';

export type OnTruncate = 'ignore' | 'delete';

export { rowIndexKey } from '../../pipeline/redis-keys.ts';

/** The row's identity: its key columns and values (as hash fields), as canonical JSON. */
export function rowIdentity(event: ChangeEvent): string | undefined {
  const entries = Object.entries(event.key);
  if (entries.length === 0) return undefined;
  const identity: Record<string, string | null> = {};
  for (const [column, value] of entries) {
    identity[column] = value === null || value === UNAVAILABLE ? null : renderHashValue(value);
  }
  return JSON.stringify(identity);
}

export interface IndexedTable {
  /** Keep the index for this table (movable outputs, or on_truncate: delete). */
  readonly indexed: boolean;
  /** The target connections the table's outputs write to. */
  readonly connections: readonly string[];
  readonly onTruncate: OnTruncate;
}

/**
 * Adds the row-index bookkeeping to a planned event: a `row-index` op at the head of the ops
 * of every connection the table writes to (for deletes even when the job filtered the row
 * out, so what it placed still goes), or the `truncate` ops of a truncate event.
 */
export function withRowIndex(
  plan: EventPlan,
  event: ChangeEvent,
  stream: string,
  table: IndexedTable,
): EventPlan {
  const key = rowIndexKey(stream);
  if (event.op === 't') {
    if (table.onTruncate !== 'delete') return plan;
    const ops: WriteOp[] = table.connections.map((connection) =>
      withConnection({ kind: 'truncate', key }, connection),
    );
    return { ops, outcome: 'deleted' };
  }
  if (!table.indexed || event.op === 'm') return plan;
  const row = rowIdentity(event);
  if (row === undefined) return plan;
  const deleted = event.op === 'd' && (plan.outcome === 'deleted' || plan.outcome === 'filtered');
  if (plan.outcome === 'filtered' && !deleted) return plan;
  const ops: WriteOp[] = [];
  for (const connection of table.connections) {
    ops.push(withConnection({ kind: 'row-index', key, row, deleted }, connection));
    for (const op of plan.ops) if (connectionOf(op) === connection) ops.push(op);
  }
  // Ops to a connection the table was not told about keep their place, unindexed.
  for (const op of plan.ops) if (!table.connections.includes(connectionOf(op))) ops.push(op);
  return { ops, outcome: plan.outcome };
}

function withConnection(op: WriteOp, connection: string): WriteOp {
  return connection === 'target' ? op : { ...op, connection };
}
