// Queues, on one MULTI of the RDI database, everything that follows a batch's write to the
// target: dead-letter entries for rejects, XACK, trimming of acknowledged entries, and the
// per-stream and processor statistics. One round trip per batch, never one per record.

import type { ChainableCommander } from 'ioredis';
import { dlqKey, PROCESSOR_GROUP, PROCESSOR_STATS_KEY, statsKey } from '../pipeline/redis-keys.ts';
import type { ProcessedEntries } from './process-entries.ts';
import { LuaScript } from './script-runner.ts';
import type { StreamEntry } from './stream-entry.ts';

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

  const stats = statsKey(stream);
  const { counts } = processed;
  multi.hincrby(stats, 'total', entries.length);
  if (counts.inserted) multi.hincrby(stats, 'inserted', counts.inserted);
  if (counts.updated) multi.hincrby(stats, 'updated', counts.updated);
  if (counts.deleted) multi.hincrby(stats, 'deleted', counts.deleted);
  if (counts.filtered) multi.hincrby(stats, 'filtered', counts.filtered);
  if (processed.rejected.length) multi.hincrby(stats, 'rejected', processed.rejected.length);
  multi.hset(stats, 'last_arrival', String(now));
  if (processed.newestSourceTsMs > 0) {
    multi.hset(stats, 'last_latency_ms', String(Math.max(0, now - processed.newestSourceTsMs)));
  }

  const { readMs, transformMs, writeMs } = input.timings;
  multi.hincrby(PROCESSOR_STATS_KEY, 'batches', 1);
  multi.hincrby(PROCESSOR_STATS_KEY, 'records', entries.length);
  multi.hincrbyfloat(PROCESSOR_STATS_KEY, 'read_time_ms', readMs);
  multi.hincrbyfloat(PROCESSOR_STATS_KEY, 'transform_time_ms', transformMs);
  multi.hincrbyfloat(PROCESSOR_STATS_KEY, 'write_time_ms', writeMs);
  const totalMs = readMs + transformMs + writeMs;
  multi.hset(PROCESSOR_STATS_KEY, {
    last_batch_size: entries.length,
    last_read_time_ms: readMs.toFixed(3),
    last_transform_time_ms: transformMs.toFixed(3),
    last_write_time_ms: writeMs.toFixed(3),
    last_records_per_second: totalMs > 0 ? Math.round((entries.length * 1000) / totalMs) : 0,
    last_batch_at: now,
  });
}
