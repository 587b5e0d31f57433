// Finds the change streams in the RDI database and makes sure the processor's consumer
// group exists on each. The group starts at id 0 so entries written before the processor
// first ran (e.g. the initial snapshot) are all consumed.

import type { Redis } from 'ioredis';
import { PROCESSOR_GROUP, STREAM_PREFIX } from '../pipeline/redis-keys.ts';

export async function listChangeStreams(rdi: Redis): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = (await rdi.call(
      'SCAN',
      cursor,
      'MATCH',
      `${STREAM_PREFIX}*`,
      'TYPE',
      'stream',
      'COUNT',
      '1000',
    )) as [string, string[]];
    for (const key of keys) found.add(key);
    cursor = next;
  } while (cursor !== '0');
  return [...found].sort();
}

export async function ensureGroup(rdi: Redis, stream: string): Promise<void> {
  try {
    await rdi.xgroup('CREATE', stream, PROCESSOR_GROUP, '0');
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('BUSYGROUP')) throw error;
  }
}
