// The processor's record of one change stream in the RDI database (statsKey(stream)): counts
// of records by outcome, the last batch's arrival and latency. Written by the processor (and
// `replayed` by the DLQ replay script, api/dlq/replay-dlq.lua), read by the API's status and
// the exporter. Pure.

import { statsKey } from '../redis-keys.ts';
import type { HashCommands, HashFields } from './record-fields.ts';
import { counter, optionalNumber } from './record-fields.ts';

/** Counters: absent counts as 0. */
export const STREAM_COUNTERS = [
  'total',
  'inserted',
  'updated',
  'deleted',
  'filtered',
  'rejected',
  'replayed',
] as const;

export type StreamCounter = (typeof STREAM_COUNTERS)[number];

export type StreamStats = { readonly [field in StreamCounter]: number } & {
  /** When the last batch was acknowledged (ms since the epoch). */
  readonly last_arrival: number | undefined;
  /** Source commit → acknowledgement of the newest record of the last batch, ms. */
  readonly last_latency_ms: number | undefined;
};

export interface StreamBatchReport {
  readonly records: number;
  readonly inserted: number;
  readonly updated: number;
  readonly deleted: number;
  readonly filtered: number;
  readonly rejected: number;
  /** When the batch was acknowledged (ms since the epoch). */
  readonly at: number;
  /** The source commit time of the batch's newest record; 0 when unknown. */
  readonly newestSourceTsMs: number;
}

/** Queues one batch's counts (on the batch's acknowledgement MULTI); zero counts are skipped. */
export function queueStreamBatchReport(
  commands: HashCommands,
  stream: string,
  batch: StreamBatchReport,
): void {
  const key = statsKey(stream);
  commands.hincrby(key, 'total', batch.records);
  if (batch.inserted) commands.hincrby(key, 'inserted', batch.inserted);
  if (batch.updated) commands.hincrby(key, 'updated', batch.updated);
  if (batch.deleted) commands.hincrby(key, 'deleted', batch.deleted);
  if (batch.filtered) commands.hincrby(key, 'filtered', batch.filtered);
  if (batch.rejected) commands.hincrby(key, 'rejected', batch.rejected);
  const latest: Record<string, string> = { last_arrival: String(batch.at) };
  if (batch.newestSourceTsMs > 0) {
    latest.last_latency_ms = String(Math.max(0, batch.at - batch.newestSourceTsMs));
  }
  commands.hset(key, latest);
}

/** The record from HGETALL (empty: nothing counted yet); a malformed field is RDI_RECORD_INVALID. */
export function decodeStreamStats(stream: string, fields: HashFields): StreamStats {
  const key = statsKey(stream);
  const counts = {} as Record<StreamCounter, number>;
  for (const field of STREAM_COUNTERS) counts[field] = counter(fields, key, field);
  return {
    ...counts,
    last_arrival: optionalNumber(fields, key, 'last_arrival'),
    last_latency_ms: optionalNumber(fields, key, 'last_latency_ms'),
  };
}
