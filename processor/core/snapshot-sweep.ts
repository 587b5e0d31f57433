// Re-snapshots end with the target holding exactly the snapshot's rows (docs/operations.md,
// "Re-snapshots"). A snapshot that replaces an earlier state of the target (Debezium restarted
// mid-snapshot, a reset that kept the keys) never emits deletes for rows removed meanwhile, so
// their keys would stay. Mark and sweep, ordered with the stream: each snapshot row (op `r`)
// records what it is (its row identity, or the keys it owns) in a seen set in the target, in the
// batch's atomic step; the table's last snapshot row then removes what the snapshot did not
// read, in chunks (lua/snapshot-sweep.lua). Readers never see the table emptied: rows the new
// snapshot reads are overwritten in place, only the others go, and only at the end. Pure.

import { globEscape } from '../../common/redis-scan.ts';
import type { ChangeEvent } from './change-event.ts';
import type { IndexedTable } from './row-index.ts';
import { rowIdentity, rowIndexKey } from './row-index.ts';
import type { EventPlan, WriteOp } from './write-plan.ts';
import { connectionOf } from './write-plan.ts';

/** Hash in each target: the snapshot of `stream` (run, sweep cursor, swept). */
export function snapshotStateKey(stream: string): string {
  return `sluice:snapshot:${stream}`;
}

/** Set in each target: what the current snapshot of `stream` has read. */
export function snapshotSeenKey(stream: string): string {
  return `sluice:snapshot-rows:${stream}`;
}

// Debezium's `source.snapshot` values (3.6, checked against a real run): the whole snapshot's
// first row is `first`, each later table's first row `first_in_data_collection`, a table's last
// row `last_in_data_collection`, the whole snapshot's last row `last`, the others `true`. A table
// of one row has only its last marker; an empty table emits nothing.
const FIRST = new Set(['first', 'first_in_data_collection']);
const LAST = new Set(['last', 'last_in_data_collection']);
const IN_SNAPSHOT = new Set(['true', ...FIRST, ...LAST]);

/** The ops a sweep can find: keys the default key's outputs own, by type. */
function ownedKey(op: WriteOp): string | undefined {
  switch (op.kind) {
    case 'hash':
    case 'hash-merge':
    case 'string':
      return op.key;
    case 'json-set':
    case 'json-merge':
      return op.path === '$' ? op.key : undefined;
    default:
      return undefined;
  }
}

/** Glob pattern (SCAN MATCH) of the default keys of the event's table: `<table>:<k1>:*…`. */
export function defaultKeyPattern(event: ChangeEvent): string {
  const parts = [globEscape(event.table)];
  for (const column of Object.keys(event.key)) parts.push(globEscape(column), '*');
  return parts.join(':');
}

/**
 * Adds the snapshot bookkeeping to the plan of a snapshot row: a `snapshot-row` op per
 * connection the table writes to, and at the table's last row a `snapshot-sweep` op after it.
 * Indexed tables are swept through their row index (any placement); the others own only
 * default keys, found by pattern. `run` is Debezium's run id of the entry ('' when unknown).
 */
export function withSnapshotSweep(
  plan: EventPlan,
  event: ChangeEvent,
  stream: string,
  table: IndexedTable,
): EventPlan {
  if (event.op !== 'r' || !IN_SNAPSHOT.has(event.snapshot)) return plan;
  const row = rowIdentity(event);
  // A row without a key cannot be told apart from another: such a table is never swept.
  if (row === undefined) return plan;
  const first = FIRST.has(event.snapshot);
  const last = LAST.has(event.snapshot);
  const key = snapshotSeenKey(stream);
  const state = snapshotStateKey(stream);
  const run = event.run ?? '';
  const source = table.indexed
    ? { index: rowIndexKey(stream) }
    : { pattern: defaultKeyPattern(event) };
  const ops = [...plan.ops];
  for (const connection of table.connections) {
    let members: string[];
    if (table.indexed) {
      members = [row];
    } else {
      members = [];
      for (const op of plan.ops) {
        const owned = connectionOf(op) === connection ? ownedKey(op) : undefined;
        if (owned !== undefined && !members.includes(owned)) members.push(owned);
      }
    }
    const at = connection === 'target' ? {} : { connection };
    ops.push({ kind: 'snapshot-row', key, state, run, first, members, ...at });
    if (last) ops.push({ kind: 'snapshot-sweep', key, state, source, ...at });
  }
  return { ops, outcome: plan.outcome };
}
