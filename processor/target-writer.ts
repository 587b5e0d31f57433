// One target Redis as the consume loop sees it: apply a stream's batch (with its checkpoint and
// the fencing check), read the checkpoints, run a lookup. A standalone Redis applies a batch in
// one atomic Lua step (apply-batch.lua); a Redis Cluster falls back to cluster-writer.ts.

import type { Redis } from 'ioredis';
import { SluiceError } from '../common/errors.ts';
import type { ApplyResult, BatchToApply } from './apply-batch.ts';
import { applyBatch, readCheckpoints } from './apply-batch.ts';
import { classifyLookupError } from './redis-error.ts';

/** standalone: effectively-once (atomic with its checkpoint); cluster: idempotent at-least-once. */
export type TargetMode = 'standalone' | 'cluster';

export interface TargetWriter {
  /** The key of config.yaml `targets` (jobs name it as `connection`). */
  readonly name: string;
  readonly mode: TargetMode;
  apply(batch: BatchToApply): Promise<ApplyResult>;
  /** The last applied entry id of every stream, as recorded in this target. */
  readCheckpoints(): Promise<Map<string, string>>;
  /** Runs one read-only command of a redis.lookup; a failure is a coded error. */
  lookup(command: readonly string[]): Promise<unknown>;
}

export function standaloneWriter(name: string, redis: Redis): TargetWriter {
  return {
    name,
    mode: 'standalone',
    apply: (batch) => applyBatch(redis, batch, name),
    readCheckpoints: () => readCheckpoints(redis),
    lookup: (command) => runLookup(name, command, (cmd, args) => redis.call(cmd, ...args)),
  };
}

/**
 * Runs a lookup and turns a failure into a coded error: WRONGTYPE or CROSSSLOT rejects the
 * record, as does an `ERR` reply (the command this record built is wrong, e.g. a missing
 * argument: retrying cannot help); a connection fault or a busy server (OOM, LOADING,
 * READONLY…) is retried.
 */
export async function runLookup(
  name: string,
  command: readonly string[],
  call: (command: string, args: string[]) => Promise<unknown>,
): Promise<unknown> {
  const [head = 'GET', ...args] = command;
  try {
    return await call(head, args);
  } catch (error) {
    throw classifyLookupError(error, `redis.lookup ${head} on the target '${name}'`);
  }
}

/** processors.wait_enabled: after each batch, WAIT until a replica holds it. */
export interface ReplicaWait {
  /** processors.wait_timeout, ms. */
  readonly timeoutMs: number;
  /**
   * processors.retry_on_replica_failure: true, the batch stays unacknowledged and is retried
   * (the replay is skipped by the checkpoint, then WAIT runs again); false, it is acknowledged
   * and `onShortfall` is told.
   */
  readonly retry: boolean;
  readonly onShortfall: (message: string) => void;
}

/**
 * `writer` with a `WAIT 1 <timeout>` after every apply, on the connection that applied it: a
 * batch is acknowledged only once at least one replica of the target holds it (RDI's
 * wait_enabled). Runs after the atomic script, so the write itself stays one step.
 */
export function waitingForReplicas(
  writer: TargetWriter,
  redis: Pick<Redis, 'call'>,
  wait: ReplicaWait,
): TargetWriter {
  return {
    ...writer,
    apply: async (batch) => {
      const result = await writer.apply(batch);
      const replicas = Number(await redis.call('WAIT', '1', String(wait.timeoutMs)));
      if (replicas >= 1) return result;
      const message = `the target '${writer.name}' has no replica acknowledging ${batch.stream} up to ${batch.lastId} within ${wait.timeoutMs} ms (WAIT)`;
      if (wait.retry) {
        throw new SluiceError('TARGET_UNAVAILABLE', message, {
          hint: 'check the target replicas, or set processors.retry_on_replica_failure: false',
        });
      }
      wait.onShortfall(message);
      return result;
    },
  };
}
