// Loads captured entries into a fresh RDI database with pipelined XADD, keeping each entry's
// original id (so stream order and ids are those Debezium wrote), and reports each stream's
// last id: the checkpoint a consumer has reached once it has applied everything.
import type { Redis } from 'ioredis';
import type { CapturedEntry } from './entries-file.ts';

const PIPELINE_SIZE = 1_000;

export async function preloadEntries(
  rdi: Redis,
  entries: readonly CapturedEntry[],
): Promise<Map<string, string>> {
  const lastIds = new Map<string, string>();
  for (let start = 0; start < entries.length; start += PIPELINE_SIZE) {
    const pipeline = rdi.pipeline();
    for (const entry of entries.slice(start, start + PIPELINE_SIZE)) {
      pipeline.xadd(entry.stream, entry.id, ...entry.fields);
      lastIds.set(entry.stream, entry.id);
    }
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error !== null);
    if (failed) throw new Error(`XADD failed while preloading: ${String(failed[0])}`);
  }
  return lastIds;
}
