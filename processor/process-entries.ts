// Turns the entries of one stream read into a batch for the target: decode, run the job,
// collect write ops, and set aside the entries that must go to the dead-letter queue.
// Pure: no Redis, no clock.

import type { SluiceError } from '../common/errors.ts';
import { isSluiceError, SluiceError as Coded } from '../common/errors.ts';
import type { ChangeEvent } from './change-event.ts';
import { decodeEnvelope } from './decode-envelope.ts';
import type { StreamEntry } from './stream-entry.ts';
import type { EventPlan, Outcome, WriteOp } from './write-plan.ts';

export type Job = (event: ChangeEvent) => EventPlan;

export interface Rejected {
  readonly entry: StreamEntry;
  readonly error: SluiceError;
}

export interface ProcessedEntries {
  readonly ops: WriteOp[];
  readonly rejected: Rejected[];
  readonly counts: Record<Outcome, number>;
  /** Newest source timestamp seen, for latency; 0 if none. */
  readonly newestSourceTsMs: number;
}

function toCoded(error: unknown): SluiceError {
  if (isSluiceError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new Coded('ENVELOPE_INVALID', `The record could not be processed: ${message}`, { cause: error });
}

export function processEntries(entries: readonly StreamEntry[], job: Job): ProcessedEntries {
  const ops: WriteOp[] = [];
  const rejected: Rejected[] = [];
  const counts: Record<Outcome, number> = { inserted: 0, updated: 0, deleted: 0, filtered: 0 };
  let newestSourceTsMs = 0;
  for (const entry of entries) {
    // An entry removed from the stream while pending has no fields: nothing to apply.
    if (entry.value === undefined) continue;
    try {
      const event = decodeEnvelope(entry.key, entry.value);
      const plan = job(event);
      for (const op of plan.ops) ops.push(op);
      counts[plan.outcome] += 1;
      if (event.sourceTsMs > newestSourceTsMs) newestSourceTsMs = event.sourceTsMs;
    } catch (error) {
      if (isSluiceError(error) && error.retryable) throw error;
      rejected.push({ entry, error: toCoded(error) });
    }
  }
  return { ops, rejected, counts, newestSourceTsMs };
}
