// Turns the entries of one stream read into a batch for the target: decode, run the job,
// collect write ops (with the entry each comes from), and set aside the entries that must go
// to the dead-letter queue. Pure: no Redis, no clock.

import type { SluiceError } from '../../common/errors.ts';
import { isSluiceError, SluiceError as Coded } from '../../common/errors.ts';
import type { ChangeEvent } from './change-event.ts';
import { decodeEnvelope } from './decode-envelope.ts';
import type { StreamEntry } from './stream-entry.ts';
import { runIdOf } from './stream-entry.ts';
import type { TypeRendering } from './type-rendering.ts';
import type { EventPlan, Outcome, WriteOp } from './write-plan.ts';

/**
 * How a job wants its events decoded (processors.type_rendering; default `sluice`). It travels
 * with the job because RDI's renderings need the logical types, which only the decoder sees.
 */
export interface JobDecoding {
  readonly typeRendering?: TypeRendering;
}

export type Job = ((event: ChangeEvent) => EventPlan) & JobDecoding;

/** The name of the job that handles an event (processor/core/job-names.ts), for DLQ entries. */
export interface JobNaming {
  readonly jobNameOf?: (event: ChangeEvent, stream: string) => string;
}

/**
 * Whether planning reads the target (redis.lookup). Such a job must see every earlier batch
 * written before it plans the next, so the consume loop does not plan ahead for it.
 */
export interface JobTargetReads {
  readonly readsTarget?: boolean;
}

/** A job that may need to wait (expressions, lookups); told the stream the event came from. */
export type AsyncJob = ((event: ChangeEvent, stream: string) => EventPlan | Promise<EventPlan>) &
  JobTargetReads &
  JobDecoding &
  JobNaming;

export interface Rejected {
  readonly entry: StreamEntry;
  readonly error: SluiceError;
  /** The job that rejected it; absent when no job ran (an entry that could not be decoded). */
  readonly job?: string;
}

export interface ProcessedEntries {
  readonly ops: WriteOp[];
  /** The entry id of each op (same length as `ops`), so the target can reject one record. */
  readonly opEntryIds: string[];
  readonly rejected: Rejected[];
  readonly counts: Record<Outcome, number>;
  /** Each planned entry's outcome, so a record the target later refuses can be recounted. */
  readonly outcomes: Map<string, Outcome>;
  /** Newest source timestamp seen, for latency; 0 if none. */
  readonly newestSourceTsMs: number;
  /** The job that planned an entry, for a record the target refuses later (apply-batch.ts). */
  readonly jobOf: (entryId: string) => string | undefined;
}

function toCoded(error: unknown): SluiceError {
  if (isSluiceError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new Coded('ENVELOPE_INVALID', `The record could not be processed: ${message}`, {
    cause: error,
  });
}

type Settled = { event: ChangeEvent; plan: EventPlan } | { error: unknown } | undefined;

class Collector {
  /** Planned events by entry id, named only when a later refusal asks (rare). */
  readonly #events = new Map<string, ChangeEvent>();
  readonly #name: ((event: ChangeEvent) => string) | undefined;
  readonly result: ProcessedEntries;

  constructor(name?: (event: ChangeEvent) => string) {
    this.#name = name;
    this.result = {
      ops: [],
      opEntryIds: [],
      rejected: [],
      counts: { inserted: 0, updated: 0, deleted: 0, filtered: 0 },
      outcomes: new Map(),
      newestSourceTsMs: 0,
      jobOf: (entryId) => {
        const event = this.#events.get(entryId);
        return event === undefined ? undefined : this.#name?.(event);
      },
    };
  }

  add(entry: StreamEntry, settled: Settled, event?: ChangeEvent): void {
    if (settled === undefined) return;
    if ('error' in settled) {
      if (isSluiceError(settled.error) && settled.error.retryable) throw settled.error;
      const job = event === undefined ? undefined : this.#name?.(event);
      this.result.rejected.push({
        entry,
        error: toCoded(settled.error),
        ...(job === undefined ? {} : { job }),
      });
      return;
    }
    const { event: planned, plan } = settled;
    if (this.#name !== undefined) this.#events.set(entry.id, planned);
    for (const op of plan.ops) {
      this.result.ops.push(op);
      this.result.opEntryIds.push(entry.id);
    }
    this.result.counts[plan.outcome] += 1;
    this.result.outcomes.set(entry.id, plan.outcome);
    if (planned.sourceTsMs > this.result.newestSourceTsMs) {
      (this.result as { newestSourceTsMs: number }).newestSourceTsMs = planned.sourceTsMs;
    }
  }
}

function decode(
  entry: StreamEntry,
  rendering: TypeRendering,
): ChangeEvent | { error: unknown } | undefined {
  // An entry removed from the stream while pending has no fields: nothing to apply.
  if (entry.value === undefined) return undefined;
  try {
    const event = decodeEnvelope(entry.key, entry.value, rendering);
    // Snapshot rows carry Debezium's run, which tells a new snapshot from an earlier one's rest.
    return event.op === 'r' ? { ...event, run: runIdOf(entry) } : event;
  } catch (error) {
    return { error };
  }
}

export function processEntries(entries: readonly StreamEntry[], job: Job): ProcessedEntries {
  const collector = new Collector();
  const rendering = job.typeRendering ?? 'sluice';
  for (const entry of entries) {
    const event = decode(entry, rendering);
    if (event === undefined || 'error' in event) {
      collector.add(entry, event);
      continue;
    }
    try {
      collector.add(entry, { event, plan: job(event) });
    } catch (error) {
      collector.add(entry, { error });
    }
  }
  return collector.result;
}

/** How many events of a batch may wait on their job at once (lookups overlap their I/O). */
const WINDOW = 64;

/**
 * processEntries for jobs that may return a promise. Synchronous plans cost no await; pending
 * ones are awaited in windows, and ops keep the order of the entries.
 */
export async function processEntriesAsync(
  entries: readonly StreamEntry[],
  job: AsyncJob,
  stream: string,
): Promise<ProcessedEntries> {
  const { jobNameOf } = job;
  const collector = new Collector(
    jobNameOf === undefined ? undefined : (event) => jobNameOf(event, stream),
  );
  const rendering = job.typeRendering ?? 'sluice';
  for (let start = 0; start < entries.length; start += WINDOW) {
    const window = entries.slice(start, start + WINDOW);
    const events: (ChangeEvent | undefined)[] = [];
    const settled: (Settled | Promise<Settled>)[] = window.map((entry, index) => {
      const event = decode(entry, rendering);
      if (event === undefined || 'error' in event) return event;
      events[index] = event;
      try {
        const plan = job(event, stream);
        return plan instanceof Promise
          ? plan.then(
              (p): Settled => ({ event, plan: p }),
              (error: unknown): Settled => ({ error }),
            )
          : { event, plan };
      } catch (error) {
        return { error };
      }
    });
    const done = settled.some((s) => s instanceof Promise)
      ? await Promise.all(settled.map((s) => Promise.resolve(s)))
      : (settled as Settled[]);
    window.forEach((entry, i) => {
      collector.add(entry, done[i], events[i]);
    });
  }
  return collector.result;
}
