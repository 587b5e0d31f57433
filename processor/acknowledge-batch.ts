// Queues, on one MULTI of the RDI database, everything that follows a batch's write to the
// target: dead-letter entries for rejects, XACK, trimming of acknowledged entries, and the
// per-stream and processor statistics. One round trip per batch, never one per record.

import type { ChainableCommander } from 'ioredis';
import { queueBatchReport } from '../pipeline/records/processor-stats.ts';
import { queueStreamBatchReport } from '../pipeline/records/stream-stats.ts';
import { dlqKey, PROCESSOR_GROUP } from '../pipeline/redis-keys.ts';
import type { ProcessedEntries } from './core/process-entries.ts';
import { LuaScript } from './script-runner.ts';
import type { StreamEntry } from './core/stream-entry.ts';

export const TRIM_SCRIPT = LuaScript.fromFile(
  new URL('./lua/trim-acknowledged.lua', import.meta.url),
);

export interface BatchTimings {
  readonly readMs: number;
  readonly transformMs: number;
  readonly writeMs: number;
}

export interface AcknowledgeInput {
  readonly stream: string;
  readonly entries: readonly StreamEntry[];
  readonly processed: ProcessedEntries;
  readonly errorHandling: 'dlq' | 'ignore';
  readonly dlqMaxMessages: number;
  /** The job named for a reject whose own job is unknown (an entry that could not be decoded). */
  readonly jobName: string;
  readonly now: number;
  readonly timings: BatchTimings;
}

export function queueAcknowledgement(multi: ChainableCommander, input: AcknowledgeInput): void {
  const { stream, entries, processed, now } = input;
  const last = entries[entries.length - 1];
  if (!last) return;
  if (input.errorHandling === 'dlq') {
    for (const { entry, error, job } of processed.rejected) {
      multi.xadd(
        dlqKey(stream),
        'MAXLEN',
        '~',
        input.dlqMaxMessages,
        '*',
        'entry_id',
        entry.id,
        'error_code',
        error.code,
        'reason',
        error.message,
        'job',
        job ?? input.jobName,
        'time',
        String(now),
        'key',
        entry.key ?? '',
        'value',
        entry.value ?? '',
      );
    }
  }
  multi.xack(stream, PROCESSOR_GROUP, ...entries.map((e) => e.id));
  // Everything at or below `last` is acknowledged (pending entries are re-read first), so
  // entries older than it can go; `last` itself stays as a marker of progress. Exact (not
  // '~') trimming, so the RDI database really holds only the backlog.
  // The script also stops at the group's oldest pending entry: an unacknowledged entry (of
  // this consumer's prefetch or of any other consumer) is never trimmed.
  // EVAL (not EVALSHA): inside MULTI a NOSCRIPT after a restart of the RDI database could not
  // be retried; the script is small and Redis keeps it compiled by its hash.
  multi.eval(TRIM_SCRIPT.source, 1, stream, PROCESSOR_GROUP, last.id);

  const { counts } = processed;
  queueStreamBatchReport(multi, stream, {
    records: entries.length,
    inserted: counts.inserted,
    updated: counts.updated,
    deleted: counts.deleted,
    filtered: counts.filtered,
    rejected: processed.rejected.length,
    at: now,
    newestSourceTsMs: processed.newestSourceTsMs,
  });
  queueBatchReport(multi, { records: entries.length, ...input.timings, at: now });
}
