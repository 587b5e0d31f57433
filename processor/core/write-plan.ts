// The write plan: plain data describing what one change does to the target. Jobs produce
// it (pure), writers turn it into Redis commands. Nothing here touches Redis.

interface OpBase {
  /** Target connection (a key of config.yaml `targets`); absent means `target`. */
  readonly connection?: string;
  /**
   * Applied only when the row index does not know the record's row (a row written before its
   * table was indexed, or a target that keeps no index): a delete planned from a `before` row
   * that may hold Debezium's defaults instead of the real values.
   */
  readonly unlessIndexed?: boolean;
}

export interface HashWrite extends OpBase {
  readonly kind: 'hash';
  readonly key: string;
  /** Field/value pairs to store; the hash is replaced, so other fields are removed ... */
  readonly fields: readonly (readonly [string, string])[];
  /** ... except these, whose stored value is kept (e.g. unchanged TOASTed columns). */
  readonly keep: readonly string[];
}

/** on_update: merge — set these fields, remove `remove`, leave the others. */
export interface HashMerge extends OpBase {
  readonly kind: 'hash-merge';
  readonly key: string;
  readonly fields: readonly (readonly [string, string])[];
  readonly remove: readonly string[];
}

export interface KeyDelete extends OpBase {
  readonly kind: 'del';
  readonly key: string;
}

/** JSON.SET key path json; `ensure` lists ancestor paths created as `{}` when missing. */
export interface JsonSet extends OpBase {
  readonly kind: 'json-set';
  readonly key: string;
  readonly path: string;
  readonly json: string;
  readonly ensure: readonly string[];
}

/** JSON.MERGE key path json (RedisJSON 2.6+); nulls in `json` remove fields. */
export interface JsonMerge extends OpBase {
  readonly kind: 'json-merge';
  readonly key: string;
  readonly path: string;
  readonly json: string;
}

/** JSON.DEL key path: removes a nested entry. */
export interface JsonDelete extends OpBase {
  readonly kind: 'json-del';
  readonly key: string;
  readonly path: string;
}

export interface SetAdd extends OpBase {
  readonly kind: 'sadd';
  readonly key: string;
  readonly member: string;
}

export interface SetRemove extends OpBase {
  readonly kind: 'srem';
  readonly key: string;
  readonly member: string;
}

export interface SortedSetAdd extends OpBase {
  readonly kind: 'zadd';
  readonly key: string;
  /** A finite number, as text. */
  readonly score: string;
  readonly member: string;
}

export interface SortedSetRemove extends OpBase {
  readonly kind: 'zrem';
  readonly key: string;
  readonly member: string;
}

/** XADD key * f1 v1 …: append-only. */
export interface StreamAdd extends OpBase {
  readonly kind: 'xadd';
  readonly key: string;
  readonly fields: readonly (readonly [string, string])[];
}

export interface StringSet extends OpBase {
  readonly kind: 'string';
  readonly key: string;
  readonly value: string;
}

export interface Expire extends OpBase {
  readonly kind: 'expire';
  readonly key: string;
  /** Whole seconds, at least 1. */
  readonly seconds: number;
}

/**
 * Row index (processor/core/row-index.ts): the ops that follow it, up to the next record or row-index
 * op of the batch, are everything the source row `row` places in this target now. The apply
 * step removes what the row placed before and no longer places (all of it when `deleted`) and
 * records the new placements in the hash `key` (`sluice:rows:<stream>`), in the same atomic step.
 */
export interface RowIndex extends OpBase {
  readonly kind: 'row-index';
  readonly key: string;
  /** The row's identity: canonical JSON of its key columns. */
  readonly row: string;
  /** The row is gone: everything it placed is removed, then its index entry. */
  readonly deleted: boolean;
}

/** A truncate (on_truncate: delete): removes everything the rows of index `key` placed. */
export interface Truncate extends OpBase {
  readonly kind: 'truncate';
  readonly key: string;
  /** Rows removed per script call (default TRUNCATE_CHUNK of apply-batch.ts). */
  readonly chunk?: number;
}

/**
 * A row read by a snapshot (op `r`; processor/core/snapshot-sweep.ts): its members (its row identity,
 * or the keys it owns) join the snapshot's seen set `key`. A table's first row, or a row of
 * another Debezium run than the one `state` names, starts the set over.
 */
export interface SnapshotRow extends OpBase {
  readonly kind: 'snapshot-row';
  readonly key: string;
  /** The snapshot's state hash (run, sweep cursor, swept). */
  readonly state: string;
  /** Debezium's run id (changes with each start of Debezium Server); '' when unknown. */
  readonly run: string;
  readonly first: boolean;
  readonly members: readonly string[];
}

/**
 * A table's last snapshot row: removes what the snapshot did not read (rows of the row index
 * `index`, or keys matching `pattern`), in chunks, resumably, before later ops of the stream.
 */
export interface SnapshotSweep extends OpBase {
  readonly kind: 'snapshot-sweep';
  readonly key: string;
  readonly state: string;
  readonly source: { readonly index: string } | { readonly pattern: string };
  /** Entries visited per script call (default SWEEP_CHUNK of apply-batch.ts). */
  readonly chunk?: number;
}

export type WriteOp =
  | RowIndex
  | Truncate
  | SnapshotRow
  | SnapshotSweep
  | HashWrite
  | HashMerge
  | KeyDelete
  | JsonSet
  | JsonMerge
  | JsonDelete
  | SetAdd
  | SetRemove
  | SortedSetAdd
  | SortedSetRemove
  | StreamAdd
  | StringSet
  | Expire;

/** How a change event was accounted for, for statistics. */
export type Outcome = 'inserted' | 'updated' | 'deleted' | 'filtered';

export interface EventPlan {
  readonly ops: readonly WriteOp[];
  readonly outcome: Outcome;
}

/** The connection an op writes to. */
export function connectionOf(op: WriteOp): string {
  return op.connection ?? 'target';
}
