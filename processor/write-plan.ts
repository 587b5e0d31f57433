// The write plan: plain data describing what one change does to the target. Jobs produce
// it (pure), writers turn it into Redis commands. Nothing here touches Redis.

export interface HashWrite {
  readonly kind: 'hash';
  readonly key: string;
  /** Field/value pairs to store; the hash is replaced, so other fields are removed ... */
  readonly fields: readonly (readonly [string, string])[];
  /** ... except these, whose stored value is kept (e.g. unchanged TOASTed columns). */
  readonly keep: readonly string[];
}

export interface KeyDelete {
  readonly kind: 'del';
  readonly key: string;
}

export type WriteOp = HashWrite | KeyDelete;

/** How a change event was accounted for, for statistics. */
export type Outcome = 'inserted' | 'updated' | 'deleted' | 'filtered';

export interface EventPlan {
  readonly ops: readonly WriteOp[];
  readonly outcome: Outcome;
}
