// Plans a batch for a Redis Cluster target, where one script cannot span the batch's keys:
// the type check of apply-batch.lua done here (records whose ops meet a key of another data
// type are left out whole), then the remaining ops grouped by key, in order, each group
// encoded for cluster-key-ops.lua. Pure: the key types are given.

import type { TargetReject } from './apply-batch.ts';
import { encodeOp } from './apply-batch.ts';
import type { WriteOp } from './core/write-plan.ts';

const JSON_TYPE = 'ReJSON-RL';

/** The type a key must have (or be absent) for the op; undefined: any. */
function needs(op: WriteOp): string | undefined {
  switch (op.kind) {
    case 'hash-merge':
      return 'hash';
    case 'json-merge':
    case 'json-del':
      return JSON_TYPE;
    case 'json-set':
      // A whole document replaces any key; a nested entry needs a document.
      return op.path === '$' ? undefined : JSON_TYPE;
    case 'sadd':
    case 'srem':
      return 'set';
    case 'zadd':
    case 'zrem':
      return 'zset';
    case 'xadd':
      return 'stream';
    default:
      return undefined;
  }
}

/** The type the key has after the op; undefined: unchanged. */
function makes(op: WriteOp): string | undefined {
  switch (op.kind) {
    case 'hash':
    case 'hash-merge':
      return 'hash';
    case 'del':
      return 'none';
    case 'json-set':
    case 'json-merge':
      return JSON_TYPE;
    case 'sadd':
      return 'set';
    case 'zadd':
      return 'zset';
    case 'xadd':
      return 'stream';
    case 'string':
      return 'string';
    default:
      return undefined;
  }
}

export interface KeyGroup {
  readonly key: string;
  /** cluster-key-ops.lua's ARGV. */
  readonly args: readonly string[];
  /** The records (entry ids) with ops in this group. */
  readonly entryIds: ReadonlySet<string>;
  /** The type the group's ops need the key to have, if any (for a reject's message). */
  readonly needs: string | undefined;
}

export interface ClusterPlan {
  readonly groups: readonly KeyGroup[];
  readonly rejected: readonly TargetReject[];
}

/** Distinct keys of the ops, in first-use order. */
export function keysOf(ops: readonly WriteOp[]): string[] {
  return [...new Set(ops.map((op) => op.key))];
}

export function hasJsonOps(ops: readonly WriteOp[]): boolean {
  return ops.some((op) => op.kind.startsWith('json-'));
}

/**
 * `types` holds the current type of every key of the ops (`none` when absent). Records are
 * consecutive ops with the same entry id; without `opEntryIds` the batch is one record ''.
 */
export function planClusterBatch(
  ops: readonly WriteOp[],
  opEntryIds: readonly string[] | undefined,
  types: ReadonlyMap<string, string>,
): ClusterPlan {
  const current = new Map(types);
  const rejected: TargetReject[] = [];
  const keep: boolean[] = [];
  let start = 0;
  while (start < ops.length) {
    const record = opEntryIds?.[start] ?? '';
    let end = start;
    while (end < ops.length && (opEntryIds?.[end] ?? '') === record) end += 1;
    // Simulate the record on top of what earlier records leave behind.
    const overlay = new Map<string, string>();
    let conflict: TargetReject | undefined;
    for (let i = start; i < end; i++) {
      const op = ops[i] as WriteOp;
      const found = overlay.get(op.key) ?? current.get(op.key) ?? 'none';
      const needed = needs(op);
      if (conflict === undefined && needed !== undefined && found !== 'none' && found !== needed) {
        conflict = { entryId: record, key: op.key, foundType: found, expectedType: needed };
      }
      const made = makes(op);
      if (made !== undefined) overlay.set(op.key, made);
    }
    if (conflict === undefined) for (const [key, type] of overlay) current.set(key, type);
    else rejected.push(conflict);
    for (let i = start; i < end; i++) keep.push(conflict === undefined);
    start = end;
  }
  const byKey = new Map<
    string,
    { args: string[]; entryIds: Set<string>; needs: string | undefined }
  >();
  ops.forEach((op, i) => {
    if (!keep[i]) return;
    let group = byKey.get(op.key);
    if (group === undefined) {
      group = { args: [], entryIds: new Set(), needs: undefined };
      byKey.set(op.key, group);
    }
    encodeOp(op, '1', group.args);
    group.entryIds.add(opEntryIds?.[i] ?? '');
    group.needs ??= needs(op);
  });
  const groups = [...byKey].map(([key, group]) => ({ key, ...group }));
  return { groups, rejected };
}
