// Reads how far the pipeline has got from the RDI database alone: entries Debezium added to each
// stream (XINFO STREAM entries-added, which trimming does not lower) and entries the processor
// has applied and acknowledged (the group's entries-read minus its pending entries).
import type { Redis } from 'ioredis';
import { PROCESSOR_GROUP } from '../../pipeline/redis-keys.ts';

export interface Progress {
  /** Entries Debezium wrote, summed over the streams. */
  readonly added: number;
  /** Entries the processor acknowledged (0 without a processor). */
  readonly done: number;
}

type Reply = (string | number | null | Reply)[];

function field(reply: Reply, name: string): Reply[number] | undefined {
  for (let i = 0; i + 1 < reply.length; i += 2) if (reply[i] === name) return reply[i + 1];
  return undefined;
}

export async function streamProgress(rdi: Redis, streams: readonly string[]): Promise<Progress> {
  let added = 0;
  let done = 0;
  for (const stream of streams) {
    if ((await rdi.exists(stream)) === 0) continue;
    const info = (await rdi.xinfo('STREAM', stream)) as Reply;
    added += Number(field(info, 'entries-added') ?? 0);
    const groups = (await rdi.xinfo('GROUPS', stream)) as Reply[];
    const group = groups.find((g) => field(g, 'name') === PROCESSOR_GROUP);
    if (group !== undefined) {
      done += Number(field(group, 'entries-read') ?? 0) - Number(field(group, 'pending') ?? 0);
    }
  }
  return { added, done };
}

/** Last id Debezium wrote to each stream (the checkpoint a consumer reaches at the end). */
export async function lastIds(
  rdi: Redis,
  streams: readonly string[],
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const stream of streams) {
    const info = (await rdi.xinfo('STREAM', stream)) as Reply;
    ids.set(stream, String(field(info, 'last-generated-id')));
  }
  return ids;
}

export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  const value = /^used_memory:(\d+)/m.exec(info)?.[1];
  if (value === undefined) throw new Error('INFO memory has no used_memory');
  return Number(value);
}

/** Mean bytes (field names and values) of the first `sample` entries of the streams. */
export async function meanEntryBytes(
  rdi: Redis,
  streams: readonly string[],
  sample = 1_000,
): Promise<number> {
  let bytes = 0;
  let count = 0;
  for (const stream of streams) {
    const entries = await rdi.xrange(stream, '-', '+', 'COUNT', Math.ceil(sample / streams.length));
    for (const [, fields] of entries) {
      for (const part of fields) bytes += Buffer.byteLength(part);
      count += 1;
    }
  }
  return count === 0 ? Number.NaN : bytes / count;
}
