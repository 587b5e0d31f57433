// Turns the entries of one stream read into a batch for the target: decode, run the job,
// collect write ops (with the entry each comes from), and set aside the entries that must go
// to the dead-letter queue. Pure: no Redis, no clock.

import type { SluiceError } from '../common/errors.ts';
import { isSluiceError, SluiceError as Coded } from '../common/errors.ts';
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

/** A job that may need to wait (expressions, lookups); told the stream the event came from. */
export type AsyncJob = ((event: ChangeEvent, stream: string) => EventPlan | Promise<EventPlan>) &
  JobDecoding;

export interface Rejected {
  readonly entry: StreamEntry;
  readonly error: SluiceError;
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
  readonly result: ProcessedEntries = {
    ops: [],
    opEntryIds: [],
    rejected: [],
    counts: { inserted: 0, updated: 0, deleted: 0, filtered: 0 },
    outcomes: new Map(),
    newestSourceTsMs: 0,
  };

  add(entry: StreamEntry, settled: Settled): void {
    if (settled === undefined) return;
    if ('error' in settled) {
      if (isSluiceError(settled.error) && settled.error.retryable) throw settled.error;
      this.result.rejected.push({ entry, error: toCoded(settled.error) });
      return;
    }
    const { event, plan } = settled;
    for (const op of plan.ops) {
      this.result.ops.push(op);
      this.result.opEntryIds.push(entry.id);
    }
    this.result.counts[plan.outcome] += 1;
    this.result.outcomes.set(entry.id, plan.outcome);
    if (event.sourceTsMs > this.result.newestSourceTsMs) {
      (this.result as { newestSourceTsMs: number }).newestSourceTsMs = event.sourceTsMs;
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
  const collector = new Collector();
  const rendering = job.typeRendering ?? 'sluice';
  for (let start = 0; start < entries.length; start += WINDOW) {
    const window = entries.slice(start, start + WINDOW);
    const settled: (Settled | Promise<Settled>)[] = window.map((entry) => {
      const event = decode(entry, rendering);
      if (event === undefined || 'error' in event) return event;
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
      collector.add(entry, done[i]);
    });
  }
  return collector.result;
}
