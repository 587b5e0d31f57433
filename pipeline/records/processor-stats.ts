// The processor's performance record in the RDI database (PROCESSOR_STATS_KEY, one hash for
// all streams): counters summed over every batch, the figures of the last batch and the
// process's memory. Written by the processor, read by the exporter. Pure.

import { PROCESSOR_STATS_KEY } from '../redis-keys.ts';
import type { HashCommands, HashFields } from './record-fields.ts';
import { counter, optionalNumber } from './record-fields.ts';

/** Sums over every batch (HINCRBY / HINCRBYFLOAT); 0 until the first batch. */
export const PROCESSOR_TOTALS = [
  'batches',
  'records',
  'read_time_ms',
  'transform_time_ms',
  'write_time_ms',
  'ack_time_ms',
] as const;

/** The last batch's figures; 0 until the first batch. */
export const PROCESSOR_LAST_BATCH = [
  'last_batch_size',
  'last_read_time_ms',
  'last_transform_time_ms',
  'last_write_time_ms',
  'last_records_per_second',
  'last_batch_at',
] as const;

export type ProcessorNumber =
  (typeof PROCESSOR_TOTALS)[number] | (typeof PROCESSOR_LAST_BATCH)[number];

/** The decoded record: field names as stored. The memory report is absent until made. */
export type ProcessorStats = { readonly [field in ProcessorNumber]: number } & {
  readonly rss_bytes: number | undefined;
  readonly heap_used_bytes: number | undefined;
  /** When the memory was measured (ms since the epoch): a reader tells a stale report. */
  readonly resources_at: number | undefined;
  readonly consumer: string | undefined;
};

export interface BatchReport {
  readonly records: number;
  readonly readMs: number;
  readonly transformMs: number;
  readonly writeMs: number;
  /** When the batch was acknowledged (ms since the epoch). */
  readonly at: number;
}

export interface ResourceReport {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly at: number;
  readonly consumer: string;
}

/** Queues one batch's share of the record (on the batch's acknowledgement MULTI). */
export function queueBatchReport(commands: HashCommands, batch: BatchReport): void {
  const { readMs, transformMs, writeMs, records } = batch;
  commands.hincrby(PROCESSOR_STATS_KEY, 'batches', 1);
  commands.hincrby(PROCESSOR_STATS_KEY, 'records', records);
  commands.hincrbyfloat(PROCESSOR_STATS_KEY, 'read_time_ms', readMs);
  commands.hincrbyfloat(PROCESSOR_STATS_KEY, 'transform_time_ms', transformMs);
  commands.hincrbyfloat(PROCESSOR_STATS_KEY, 'write_time_ms', writeMs);
  const totalMs = readMs + transformMs + writeMs;
  commands.hset(PROCESSOR_STATS_KEY, {
    last_batch_size: records,
    last_read_time_ms: readMs.toFixed(3),
    last_transform_time_ms: transformMs.toFixed(3),
    last_write_time_ms: writeMs.toFixed(3),
    last_records_per_second: totalMs > 0 ? Math.round((records * 1000) / totalMs) : 0,
    last_batch_at: batch.at,
  });
}

/** Queues acknowledgement time measured after an earlier batch's MULTI. */
export function queueAckTime(commands: HashCommands, ms: number): void {
  commands.hincrbyfloat(PROCESSOR_STATS_KEY, 'ack_time_ms', ms);
}

/** The memory report's fields, for an HSET on PROCESSOR_STATS_KEY. */
export function encodeResourceReport(report: ResourceReport): Record<string, string | number> {
  return {
    rss_bytes: report.rssBytes,
    heap_used_bytes: report.heapUsedBytes,
    resources_at: report.at,
    consumer: report.consumer,
  };
}

/** The record from HGETALL (empty: nothing reported yet); a malformed field is RDI_RECORD_INVALID. */
export function decodeProcessorStats(fields: HashFields): ProcessorStats {
  const key = PROCESSOR_STATS_KEY;
  const numbers = {} as Record<ProcessorNumber, number>;
  for (const field of [...PROCESSOR_TOTALS, ...PROCESSOR_LAST_BATCH]) {
    numbers[field] = counter(fields, key, field);
  }
  return {
    ...numbers,
    rss_bytes: optionalNumber(fields, key, 'rss_bytes'),
    heap_used_bytes: optionalNumber(fields, key, 'heap_used_bytes'),
    resources_at: optionalNumber(fields, key, 'resources_at'),
    consumer: fields.consumer,
  };
}
