// Encodes a batch of write ops for apply-batch.lua and runs it: the batch and its stream
// checkpoint land in the target in one atomic step, behind the fencing epoch check; records
// whose ops meet a key of another data type are left out and reported, not half-applied.

import type { Cluster, Redis } from 'ioredis';
import { SluiceError } from '../common/errors.ts';
import { CHECKPOINT_KEY, FENCE_KEY } from '../pipeline/redis-keys.ts';
import type { ArgSink } from './core/packed-args.ts';
import { packArgs } from './core/packed-args.ts';
import type { ProcessedEntries } from './core/process-entries.ts';
import { classifyRedisError } from './redis-error.ts';
import { LuaScript } from './script-runner.ts';
import type { StreamEntry } from './core/stream-entry.ts';
import type { WriteOp } from './core/write-plan.ts';
import { connectionOf } from './core/write-plan.ts';

// The op writer (lua/write-op.lua, shared with the cluster script) and the row index's
// functions (lua/row-index.lua) run inside the same script, in front of it; first of all the
// unpacking of its arguments, which travel as one MessagePack buffer (packed-args.ts).
const script = LuaScript.fromFiles(
  [
    './lua/packed-args.lua',
    './lua/write-op.lua',
    './lua/row-index.lua',
    './lua/snapshot-sweep.lua',
    './lua/apply-batch.lua',
  ].map((file) => new URL(file, import.meta.url)),
);

export interface BatchToApply {
  readonly stream: string;
  readonly firstId: string;
  readonly lastId: string;
  readonly epoch: number;
  readonly ops: readonly WriteOp[];
  /**
   * The stream entry id each op comes from (same length as `ops`). A type conflict then
   * rejects only that record's ops; without it the whole batch counts as one record.
   */
  readonly opEntryIds?: readonly string[];
}

/** A record left out because one of its keys holds another data type (TARGET_WRONGTYPE). */
export interface TargetReject {
  readonly entryId: string;
  readonly key: string;
  readonly foundType: string;
  readonly expectedType: string;
}

export type ApplyResult =
  | { readonly applied: true; readonly opCount: number; readonly rejected: readonly TargetReject[] }
  | { readonly applied: false; readonly checkpoint: string }
  /**
   * A truncate is under way (apply-batch.lua removes a table in chunks): the batch was applied
   * up to it and one chunk of it; `checkpoint` is where the target now stands (undefined: no
   * checkpoint yet). Send the rest again: the truncate goes on where it stopped.
   */
  | {
      readonly applied: 'partial';
      readonly checkpoint: string | undefined;
      readonly rejected: readonly TargetReject[];
    };

/** Rows a truncate removes per script call (~12 ms of Redis time here: docs/types.md). */
export const TRUNCATE_CHUNK = 2000;

/** Entries a snapshot sweep visits per script call (index fields, or SCAN's COUNT). */
export const SWEEP_CHUNK = 2000;

/** Appends one op in apply-batch.lua's encoding; `key` is the KEYS index of its key. */
export function encodeOp(op: WriteOp, key: string, args: ArgSink): void {
  if (op.unlessIndexed === true) args.push('U');
  switch (op.kind) {
    case 'row-index':
      args.push('X', key, op.row, op.deleted ? '1' : '0');
      return;
    case 'truncate':
      args.push('C', key, String(op.chunk ?? TRUNCATE_CHUNK));
      return;
    case 'snapshot-row':
      args.push('V', key, op.state, op.run, op.first ? '1' : '0', String(op.members.length));
      args.push(...op.members);
      return;
    case 'snapshot-sweep':
      args.push('W', key, op.state);
      if ('index' in op.source) args.push('i', op.source.index);
      else args.push('k', op.source.pattern);
      args.push(String(op.chunk ?? SWEEP_CHUNK));
      return;
    case 'del':
      args.push('D', key);
      return;
    case 'hash':
    case 'hash-merge':
      args.push(op.kind === 'hash' ? 'H' : 'M', key, String(op.fields.length));
      for (const [field, value] of op.fields) args.push(field, value);
      if (op.kind === 'hash') args.push(String(op.keep.length), ...op.keep);
      else args.push(String(op.remove.length), ...op.remove);
      return;
    case 'json-set':
      args.push('J', key, op.path, op.json, String(op.ensure.length), ...op.ensure);
      return;
    case 'json-merge':
      args.push('G', key, op.path, op.json);
      return;
    case 'json-del':
      args.push('K', key, op.path);
      return;
    case 'sadd':
    case 'srem':
      args.push(op.kind === 'sadd' ? 'A' : 'B', key, op.member);
      return;
    case 'zadd':
      args.push('Z', key, op.score, op.member);
      return;
    case 'zrem':
      args.push('Y', key, op.member);
      return;
    case 'xadd':
      args.push('T', key, String(op.fields.length));
      for (const [field, value] of op.fields) args.push(field, value);
      return;
    case 'string':
      args.push('S', key, op.value);
      return;
    case 'expire':
      args.push('E', key, String(op.seconds));
      return;
  }
}

/** The batch's KEYS and its arguments, packed for packed-args.lua. */
export function encodeBatch(batch: BatchToApply): { keys: string[]; args: Buffer } {
  const keys = [CHECKPOINT_KEY, FENCE_KEY];
  const keyIndex = new Map<string, number>();
  const indexOf = (key: string): string => {
    let index = keyIndex.get(key);
    if (index === undefined) {
      keys.push(key);
      index = keys.length;
      keyIndex.set(key, index);
    }
    return String(index);
  };
  const { buffer } = packArgs((args) => {
    args.push(String(batch.epoch), batch.stream, batch.firstId, batch.lastId);
    let record: string | undefined;
    const { ops, opEntryIds } = batch;
    for (let index = 0; index < ops.length; index += 1) {
      const op = ops[index];
      if (op === undefined) continue;
      const entryId = opEntryIds?.[index];
      if (entryId !== undefined && entryId !== record) {
        args.push('R', entryId);
        record = entryId;
      }
      encodeOp(op, indexOf(op.key), args);
    }
  });
  return { keys, args: buffer };
}

/** Applies the batch to a standalone target (`name`: its key in config.yaml `targets`). */
export async function applyBatch(
  target: Redis,
  batch: BatchToApply,
  name = 'target',
): Promise<ApplyResult> {
  const { keys, args } = encodeBatch(batch);
  let reply: unknown;
  try {
    reply = await script.run(target, keys, [args]);
  } catch (error) {
    throw classifyRedisError(error, `Writing ${batch.stream} to the target '${name}'`);
  }
  const [status, detail, rejects] = reply as [number, number | string, string[] | undefined];
  if (status === 2) throw jsonModuleMissing(batch.stream, name);
  if (status === 3) {
    const checkpoint = String(detail);
    return {
      applied: 'partial',
      checkpoint: checkpoint === '' ? undefined : checkpoint,
      rejected: toRejects(rejects ?? []),
    };
  }
  if (status === 1)
    return { applied: true, opCount: Number(detail), rejected: toRejects(rejects ?? []) };
  return { applied: false, checkpoint: String(detail) };
}

/** The error for JSON ops meeting a target without RedisJSON; nothing of the batch was written. */
export function jsonModuleMissing(stream: string, name: string): SluiceError {
  return new SluiceError(
    'TARGET_JSON_MODULE_MISSING',
    `Writing ${stream} to the target '${name}': a job writes JSON, but the target Redis has no RedisJSON module.`,
    { hint: 'load RedisJSON (Redis Stack or Redis 8) into the target, or write data_type hash' },
  );
}

function toRejects(flat: readonly string[]): TargetReject[] {
  const rejects: TargetReject[] = [];
  for (let i = 0; i + 3 < flat.length; i += 4) {
    rejects.push({
      entryId: flat[i] ?? '',
      key: flat[i + 1] ?? '',
      foundType: flat[i + 2] ?? '',
      expectedType: flat[i + 3] ?? '',
    });
  }
  return rejects;
}

/** The coded error a consumer sends to the DLQ for a record the target refused. */
export function targetRejectError(reject: TargetReject): SluiceError {
  return new SluiceError(
    'TARGET_WRONGTYPE',
    `The key '${reject.key}' holds a ${reject.foundType}, but the job writes a ${reject.expectedType} there; the record was not applied.`,
    { hint: 'two jobs or outputs write different data types to one key: give them different keys' },
  );
}

/**
 * Records the target refused (e.g. a key of another type) join the batch's rejects, for the
 * DLQ: once each, even when several targets refused one, and counted as rejected only, not
 * also as inserted/updated/deleted.
 */
export function addTargetRejects(
  processed: ProcessedEntries,
  entries: readonly StreamEntry[],
  rejects: Iterable<TargetReject>,
): void {
  const added = new Set<string>();
  for (const reject of rejects) {
    const entry = entries.find((e) => e.id === reject.entryId);
    if (entry === undefined || added.has(entry.id)) continue;
    added.add(entry.id);
    const job = processed.jobOf(entry.id);
    processed.rejected.push({
      entry,
      error: targetRejectError(reject),
      ...(job === undefined ? {} : { job }),
    });
    const outcome = processed.outcomes.get(entry.id);
    if (outcome !== undefined) processed.counts[outcome] -= 1;
    processed.outcomes.delete(entry.id);
  }
}

/**
 * Splits ops by target connection, keeping each op's entry id; each part is applied to its
 * own target with the same stream and entry ids (each target keeps its own checkpoint).
 */
export function splitByConnection(
  ops: readonly WriteOp[],
  opEntryIds: readonly string[],
): Map<string, { ops: WriteOp[]; opEntryIds: string[] }> {
  const parts = new Map<string, { ops: WriteOp[]; opEntryIds: string[] }>();
  ops.forEach((op, index) => {
    const name = connectionOf(op);
    let part = parts.get(name);
    if (part === undefined) {
      part = { ops: [], opEntryIds: [] };
      parts.set(name, part);
    }
    part.ops.push(op);
    part.opEntryIds.push(opEntryIds[index] ?? '');
  });
  return parts;
}

/** The last applied entry id of every stream, as recorded in the target. */
export async function readCheckpoints(target: Redis | Cluster): Promise<Map<string, string>> {
  const all = await target.hgetall(CHECKPOINT_KEY);
  return new Map(Object.entries(all));
}
