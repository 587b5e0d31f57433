// Encodes a batch of write ops for apply-batch.lua and runs it: the batch and its stream
// checkpoint land in the target in one atomic step, behind the fencing epoch check.

import type { Redis } from 'ioredis';
import { CHECKPOINT_KEY, FENCE_KEY } from '../pipeline/redis-keys.ts';
import { classifyRedisError } from './redis-error.ts';
import { LuaScript } from './script-runner.ts';
import type { WriteOp } from './write-plan.ts';

const script = LuaScript.fromFile(new URL('./lua/apply-batch.lua', import.meta.url));

export interface BatchToApply {
  readonly stream: string;
  readonly firstId: string;
  readonly lastId: string;
  readonly epoch: number;
  readonly ops: readonly WriteOp[];
}

export type ApplyResult =
  | { readonly applied: true; readonly opCount: number }
  | { readonly applied: false; readonly checkpoint: string };

export function encodeBatch(batch: BatchToApply): { keys: string[]; args: string[] } {
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
  const args = [String(batch.epoch), batch.stream, batch.firstId, batch.lastId];
  for (const op of batch.ops) {
    if (op.kind === 'del') {
      args.push('D', indexOf(op.key));
      continue;
    }
    args.push('H', indexOf(op.key), String(op.fields.length));
    for (const [field, value] of op.fields) args.push(field, value);
    args.push(String(op.keep.length), ...op.keep);
  }
  return { keys, args };
}

export async function applyBatch(target: Redis, batch: BatchToApply): Promise<ApplyResult> {
  const { keys, args } = encodeBatch(batch);
  let reply: unknown;
  try {
    reply = await script.run(target, keys, args);
  } catch (error) {
    throw classifyRedisError(error, `Writing ${batch.stream} to the target`);
  }
  const [status, detail] = reply as [number, number | string];
  if (status === 1) return { applied: true, opCount: Number(detail) };
  return { applied: false, checkpoint: String(detail) };
}

/** The last applied entry id of every stream, as recorded in the target. */
export async function readCheckpoints(target: Redis): Promise<Map<string, string>> {
  const all = await target.hgetall(CHECKPOINT_KEY);
  return new Map(Object.entries(all));
}
