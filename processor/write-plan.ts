// The write plan: plain data describing what one change does to the target. Jobs produce
// it (pure), writers turn it into Redis commands. Nothing here touches Redis.

interface OpBase {
  /** Target connection (a key of config.yaml `targets`); absent means `target`. */
  readonly connection?: string;
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

export type WriteOp =
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
