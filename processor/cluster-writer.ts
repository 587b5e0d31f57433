// Writes batches to a Redis Cluster target. One Lua script cannot touch keys of several slots,
// so the atomic step of apply-batch.lua becomes an idempotent at-least-once sequence:
//   1. fencing check (cluster-fence.lua) and the stream's checkpoint, read together;
//   2. a replayed batch (first entry at or below the checkpoint) is skipped;
//   3. the types of the batch's keys are read and checked as apply-batch.lua does;
//   4. the ops of each key are applied by one cluster-key-ops.lua call (atomic per key);
//   5. the checkpoint is written last, only when every key succeeded.
// A crash between 4 and 5 replays the batch: see docs/config.md, "Redis Cluster targets".
// The row index (processor/core/row-index.ts) is not kept here: its ops are dropped, so moved keys
// need the change's `before` row and truncates change nothing (docs/jobs.md, "Row index").

import type { Cluster } from 'ioredis';
import type { SluiceError } from '../common/errors.ts';
import { CHECKPOINT_KEY, FENCE_KEY } from '../pipeline/redis-keys.ts';
import type { ApplyResult, BatchToApply, TargetReject } from './apply-batch.ts';
import { jsonModuleMissing, readCheckpoints } from './apply-batch.ts';
import { hasJsonOps, keysOf, planClusterBatch } from './cluster-plan.ts';
import { isAfter } from './core/entry-id.ts';
import { classifyRedisError } from './redis-error.ts';
import { LuaScript } from './script-runner.ts';
import type { TargetWriter } from './target-writer.ts';
import { runLookup } from './target-writer.ts';
import type { WriteOp } from './core/write-plan.ts';

const fenceScript = LuaScript.fromFile(new URL('./lua/cluster-fence.lua', import.meta.url));
const keyOpsScript = LuaScript.fromFiles(
  ['./lua/write-op.lua', './lua/cluster-key-ops.lua'].map((f) => new URL(f, import.meta.url)),
);

export class ClusterWriter implements TargetWriter {
  readonly name: string;
  readonly mode = 'cluster' as const;
  readonly #cluster: Cluster;
  /** Known once seen: RedisJSON is loaded on the cluster's nodes. */
  #hasJson = false;

  constructor(name: string, cluster: Cluster) {
    this.name = name;
    this.#cluster = cluster;
  }

  async apply(batch: BatchToApply): Promise<ApplyResult> {
    try {
      return await this.#apply(batch);
    } catch (error) {
      throw classifyRedisError(
        error,
        `Writing ${batch.stream} to the cluster target '${this.name}'`,
      );
    }
  }

  readCheckpoints(): Promise<Map<string, string>> {
    return readCheckpoints(this.#cluster);
  }

  lookup(command: readonly string[]): Promise<unknown> {
    return runLookup(this.name, command, (cmd, args) => this.#cluster.call(cmd, ...args));
  }

  async #apply(indexed: BatchToApply): Promise<ApplyResult> {
    const batch = withoutRowIndex(indexed);
    const cluster = this.#cluster;
    const [, checkpoint] = await Promise.all([
      fenceScript.run(cluster, [FENCE_KEY], [batch.epoch]),
      cluster.hget(CHECKPOINT_KEY, batch.stream),
    ]);
    if (checkpoint !== null && !isAfter(batch.firstId, checkpoint)) {
      return { applied: false, checkpoint };
    }
    if (hasJsonOps(batch.ops) && !(await this.#jsonModuleLoaded())) {
      throw jsonModuleMissing(batch.stream, this.name);
    }
    const keys = keysOf(batch.ops);
    const types = await Promise.all(keys.map((key) => cluster.type(key)));
    const plan = planClusterBatch(
      batch.ops,
      batch.opEntryIds,
      new Map(keys.map((key, i) => [key, types[i] ?? 'none'])),
    );
    // Every key's ops are sent at once; ioredis routes each call to the node of its slot.
    const results = await Promise.allSettled(
      plan.groups.map((group) => keyOpsScript.run(cluster, [group.key], group.args)),
    );
    const rejected: TargetReject[] = [...plan.rejected];
    let opCount = 0;
    let failure: SluiceError | undefined;
    for (const [i, result] of results.entries()) {
      const group = plan.groups[i];
      if (group === undefined) continue;
      if (result.status === 'fulfilled') {
        opCount += Number(result.value);
        continue;
      }
      const error = classifyRedisError(result.reason, `Writing ${batch.stream} to '${group.key}'`);
      if (error.code !== 'TARGET_WRONGTYPE') {
        failure ??= error;
        continue;
      }
      // The key changed type after the check (another client wrote it): its records are
      // rejected; ops of the group before the failing one stay applied.
      const foundType = await cluster.type(group.key).catch(() => 'another type');
      for (const entryId of group.entryIds) {
        if (rejected.some((r) => r.entryId === entryId)) continue;
        const expectedType = group.needs ?? 'another type';
        rejected.push({ entryId, key: group.key, foundType, expectedType });
      }
    }
    // Without the checkpoint the batch is replayed; every key's ops are idempotent but xadd.
    if (failure !== undefined) throw failure;
    await cluster.hset(CHECKPOINT_KEY, batch.stream, batch.lastId);
    return { applied: true, opCount, rejected };
  }

  async #jsonModuleLoaded(): Promise<boolean> {
    if (this.#hasJson) return true;
    const reply = (await this.#cluster.call('COMMAND', 'INFO', 'JSON.SET')) as unknown[];
    this.#hasJson = Array.isArray(reply) && Boolean(reply[0]);
    return this.#hasJson;
  }
}

/** The batch without row-index bookkeeping, which one cluster script could not keep atomic. */
function withoutRowIndex(batch: BatchToApply): BatchToApply {
  const indexOnly = (op: WriteOp) =>
    op.kind === 'row-index' ||
    op.kind === 'truncate' ||
    op.kind === 'snapshot-row' ||
    op.kind === 'snapshot-sweep';
  const indexOp = (op: WriteOp) => indexOnly(op) || op.unlessIndexed === true;
  if (!batch.ops.some(indexOp)) return batch;
  const keep = batch.ops.map((op) => !indexOnly(op));
  const opEntryIds = batch.opEntryIds?.filter((_, i) => keep[i]);
  // Without an index, the deletes planned for rows it does not know always apply.
  const ops = batch.ops
    .filter((_, i) => keep[i])
    .map((op) => (op.unlessIndexed === true ? { ...op, unlessIndexed: false } : op));
  return {
    ...batch,
    ops,
    ...(opEntryIds === undefined ? {} : { opEntryIds }),
  };
}
