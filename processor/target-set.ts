// The targets a pipeline writes to, as one destination for the consume loop. Each target keeps
// its own checkpoint per stream (and its own fence), so a batch is cut by connection and each
// target gets only the records it has not applied yet: after a crash or an outage of one
// target, the others skip what they already hold. A batch counts as written only when every
// target holds it.

import { isSluiceError, SluiceError } from '../common/errors.ts';
import type { TargetReject } from './apply-batch.ts';
import { splitByConnection } from './apply-batch.ts';
import { isAfter } from './core/entry-id.ts';
import type { TargetWriter } from './target-writer.ts';
import type { WriteOp } from './core/write-plan.ts';
import { connectionOf } from './core/write-plan.ts';

export interface StreamBatch {
  readonly stream: string;
  /** Ids of the entries to apply, in order (those some target has not applied yet). */
  readonly entryIds: readonly string[];
  /** Id of the last entry read: every target's checkpoint moves there. */
  readonly lastId: string;
  readonly epoch: number;
  readonly ops: readonly WriteOp[];
  readonly opEntryIds: readonly string[];
}

export class TargetSet {
  readonly #writers: ReadonlyMap<string, TargetWriter>;
  /** target name → stream → last entry id the target holds. */
  readonly #checkpoints = new Map<string, Map<string, string>>();

  constructor(writers: readonly TargetWriter[]) {
    this.#writers = new Map(writers.map((writer) => [writer.name, writer]));
    for (const writer of writers) this.#checkpoints.set(writer.name, new Map());
  }

  /** Reads every target's checkpoints; a target that cannot be read keeps what was known. */
  async loadCheckpoints(): Promise<void> {
    await Promise.all(
      [...this.#writers.values()].map(async (writer) => {
        const read = await writer.readCheckpoints().catch(() => undefined);
        if (read !== undefined) this.#checkpoints.set(writer.name, read);
      }),
    );
  }

  /** The checkpoint of `stream` in the target `name`, as last known. */
  checkpoint(name: string, stream: string): string | undefined {
    return this.#checkpoints.get(name)?.get(stream);
  }

  /** The entries that at least one target has not applied yet (all, for a target without). */
  unapplied<E extends { readonly id: string }>(
    stream: string,
    entries: readonly E[],
  ): readonly E[] {
    let lowest: string | undefined;
    for (const name of this.#writers.keys()) {
      const checkpoint = this.checkpoint(name, stream);
      if (checkpoint === undefined) return entries;
      if (lowest === undefined || isAfter(lowest, checkpoint)) lowest = checkpoint;
    }
    const from = lowest;
    if (from === undefined) return entries;
    const [first] = entries;
    // The usual case: no target holds any of the entries (no replay), nothing to copy.
    return first === undefined || isAfter(first.id, from)
      ? entries
      : entries.filter((e) => isAfter(e.id, from));
  }

  /**
   * Applies the batch to every target (in parallel) and records their checkpoints. Records a
   * target refused are added to `rejects` (one per entry, whichever target refused it). Throws
   * when any target failed, FENCED first; the targets that succeeded skip the batch next time.
   */
  async apply(batch: StreamBatch, rejects: Map<string, TargetReject>): Promise<void> {
    // One target (the usual case) takes the batch's ops as they are; several split them.
    const [only] = this.#writers.keys();
    const parts =
      this.#writers.size === 1 &&
      only !== undefined &&
      batch.ops.every((op) => connectionOf(op) === only)
        ? new Map([[only, { ops: batch.ops, opEntryIds: batch.opEntryIds }]])
        : splitByConnection(batch.ops, batch.opEntryIds);
    for (const name of parts.keys()) {
      if (!this.#writers.has(name)) {
        throw new SluiceError(
          'CONFIG_INVALID',
          `A job writes to the connection '${name}', but the processor has no such target.`,
          { hint: 'name a target of config.yaml under targets' },
        );
      }
    }
    const empty = { ops: [], opEntryIds: [] };
    const outcomes = await Promise.allSettled(
      [...this.#writers.values()].map((writer) =>
        this.#applyTo(writer, batch, parts.get(writer.name) ?? empty, rejects),
      ),
    );
    const failures: unknown[] = outcomes.flatMap((o) =>
      o.status === 'rejected' ? [o.reason as unknown] : [],
    );
    if (failures.length > 0) throw failures.find((f) => isSluiceError(f, 'FENCED')) ?? failures[0];
  }

  async #applyTo(
    writer: TargetWriter,
    batch: StreamBatch,
    part: Part,
    rejects: Map<string, TargetReject>,
  ): Promise<void> {
    const checkpoints = this.#checkpoints.get(writer.name) ?? new Map<string, string>();
    for (;;) {
      const checkpoint = checkpoints.get(batch.stream);
      const after = (id: string): boolean => checkpoint === undefined || isAfter(id, checkpoint);
      const firstId = batch.entryIds.find(after);
      if (firstId === undefined) return;
      // Ops are in entry order: when the first is new to this target, all are (the usual case).
      const [firstOpId] = part.opEntryIds;
      const mine = firstOpId === undefined || after(firstOpId) ? part : newOps(part, after);
      const result = await writer.apply({
        stream: batch.stream,
        firstId,
        lastId: batch.lastId,
        epoch: batch.epoch,
        ops: mine.ops,
        opEntryIds: mine.opEntryIds,
      });
      if (result.applied === 'partial') {
        // A truncate is under way in this target: send what is left until it is done.
        if (result.checkpoint === undefined) checkpoints.delete(batch.stream);
        else checkpoints.set(batch.stream, result.checkpoint);
        keepFirst(rejects, result.rejected);
        continue;
      }
      if (!result.applied) {
        // Our previous life (or another writer) got further in this target: skip that part.
        checkpoints.set(batch.stream, result.checkpoint);
        continue;
      }
      checkpoints.set(batch.stream, batch.lastId);
      keepFirst(rejects, result.rejected);
      return;
    }
  }
}

/** One reject per entry, whichever target refused it first. */
function keepFirst(rejects: Map<string, TargetReject>, found: readonly TargetReject[]): void {
  for (const reject of found) if (!rejects.has(reject.entryId)) rejects.set(reject.entryId, reject);
}

interface Part {
  readonly ops: readonly WriteOp[];
  readonly opEntryIds: readonly string[];
}

/** The ops of entries the target does not hold yet. */
function newOps(part: Part, isNew: (entryId: string) => boolean): Part {
  const ops: WriteOp[] = [];
  const opEntryIds: string[] = [];
  part.ops.forEach((op, i) => {
    const id = part.opEntryIds[i] ?? '';
    if (!isNew(id)) return;
    ops.push(op);
    opEntryIds.push(id);
  });
  return { ops, opEntryIds };
}
