// Finds the change streams in the RDI database and makes sure the processor's consumer
// group exists on each. The group starts at id 0 so entries written before the processor
// first ran (e.g. the initial snapshot) are all consumed.

import type { Redis } from 'ioredis';
import { PROCESSOR_GROUP, STREAM_PREFIX } from '../pipeline/redis-keys.ts';
import { scanKeys } from '../common/redis-scan.ts';
import { ownsStream, WHOLE, type StreamShard } from './core/stream-shard.ts';

/** The change streams, or only those `shard` owns when several processors run (stream-shard.ts). */
export async function listChangeStreams(rdi: Redis, shard: StreamShard = WHOLE): Promise<string[]> {
  const streams = new Set(await scanKeys(rdi, `${STREAM_PREFIX}*`, 'stream'));
  return [...streams].filter((stream) => ownsStream(shard, stream)).sort();
}

export async function ensureGroup(rdi: Redis, stream: string): Promise<void> {
  try {
    await rdi.xgroup('CREATE', stream, PROCESSOR_GROUP, '0');
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('BUSYGROUP')) throw error;
  }
}

/**
 * Takes over every entry pending under other consumers of the group (a processor that died,
 * or ran under another name) and removes those consumers. Only one processor consumes a
 * stream at a time (the operator's leader, and of its instances the one whose shard owns the
 * stream); the fencing epoch guards against a stale one.
 * Claimed entries then come back, in id order, through this consumer's pending list.
 */
export async function claimOrphanedEntries(
  rdi: Redis,
  stream: string,
  consumer: string,
): Promise<number> {
  const consumers = (await rdi.xinfo('CONSUMERS', stream, PROCESSOR_GROUP)) as unknown[][];
  const others = consumers
    .map((fields) => ({
      name: String(fields[fields.indexOf('name') + 1]),
      pending: Number(fields[fields.indexOf('pending') + 1]),
    }))
    .filter((c) => c.name !== consumer);
  let claimed = 0;
  if (others.some((c) => c.pending > 0)) {
    let cursor = '0-0';
    do {
      const reply = (await rdi.call(
        'XAUTOCLAIM',
        stream,
        PROCESSOR_GROUP,
        consumer,
        '0',
        cursor,
        'COUNT',
        '1000',
        'JUSTID',
      )) as [string, string[]];
      cursor = reply[0];
      claimed += reply[1].length;
    } while (cursor !== '0-0');
  }
  for (const other of others) await rdi.xgroup('DELCONSUMER', stream, PROCESSOR_GROUP, other.name);
  return claimed;
}
