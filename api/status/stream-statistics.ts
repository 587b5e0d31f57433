// Per-stream statistics: the processor's counters (`sluice:stats:<stream>`), the stream's
// length, the consumer group's pending and lag (XINFO GROUPS) and the DLQ's length — one
// round trip for all streams.

import type { Redis } from 'ioredis';
import { PROCESSOR_GROUP, STREAM_PREFIX, dlqKey, statsKey } from '../../pipeline/redis-keys.ts';
import { decodeStreamStats } from '../../pipeline/records/stream-stats.ts';
import type { StreamStatistics } from '../schemas/status.ts';

export async function streamStatistics(
  rdi: Redis,
  streams: readonly string[],
): Promise<StreamStatistics[]> {
  if (streams.length === 0) return [];
  const batch = rdi.pipeline();
  for (const stream of streams) {
    batch.hgetall(statsKey(stream));
    batch.xlen(stream);
    batch.xinfo('GROUPS', stream);
    batch.xlen(dlqKey(stream));
  }
  const replies = (await batch.exec()) ?? [];
  return streams.map((stream, index) => {
    const at = (offset: number): unknown => {
      const [error, value] = replies[index * 4 + offset] ?? [null, undefined];
      // A stream that does not exist (yet, or after a reset) makes XINFO fail: count zero.
      return error === null ? value : undefined;
    };
    const stats = decodeStreamStats(stream, (at(0) ?? {}) as Record<string, string>);
    const group = processorGroup(at(2));
    return {
      stream,
      table: stream.startsWith(STREAM_PREFIX) ? stream.slice(STREAM_PREFIX.length) : stream,
      total: stats.total,
      pending: group.pending,
      lag: group.lag,
      inserted: stats.inserted,
      updated: stats.updated,
      deleted: stats.deleted,
      filtered: stats.filtered,
      rejected: stats.rejected,
      replayed: stats.replayed,
      length: Number(at(1) ?? 0),
      dlq_length: Number(at(3) ?? 0),
      ...(stats.last_arrival === undefined ? {} : { last_arrival: stats.last_arrival }),
    };
  });
}

/** pending and lag of the processor's group from an XINFO GROUPS reply. */
function processorGroup(reply: unknown): { pending: number; lag: number } {
  if (!Array.isArray(reply)) return { pending: 0, lag: 0 };
  for (const group of reply as unknown[]) {
    if (!Array.isArray(group)) continue;
    const fields = new Map<string, unknown>();
    for (let i = 0; i + 1 < group.length; i += 2) fields.set(String(group[i]), group[i + 1]);
    if (fields.get('name') !== PROCESSOR_GROUP) continue;
    // lag is null when Redis cannot tell (e.g. after XDEL); the pending count still holds.
    return { pending: Number(fields.get('pending') ?? 0), lag: Number(fields.get('lag') ?? 0) };
  }
  return { pending: 0, lag: 0 };
}
