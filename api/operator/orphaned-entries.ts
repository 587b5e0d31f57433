// Finds change-stream entries left pending under a consumer other than the current
// processor's, e.g. those a deposed leader's processor read after its successor took over and
// then could not write (fenced). The processor claims such entries when it starts, so the
// operator restarts it when it sees some.

import type { Redis } from 'ioredis';
import { PROCESSOR_GROUP, STREAM_PREFIX } from '../../pipeline/redis-keys.ts';
import { listChangeStreams } from '../../processor/stream-discovery.ts';

/**
 * Streams of `source` with entries pending under a consumer other than the current processor's
 * (its instances' names, `ours`) that was active after it started (idle below `maxIdleMs`: entries pending from before its start
 * are claimed by that start itself) and has been silent since (idle at least `minIdleMs`).
 */
export async function streamsWithOrphanedEntries(
  rdi: Redis,
  source: string,
  ours: readonly string[],
  idle: { readonly minMs: number; readonly maxMs: number },
): Promise<string[]> {
  const prefix = `${STREAM_PREFIX}${source}.`;
  const streams = (await listChangeStreams(rdi)).filter((s) => s.startsWith(prefix));
  const found: string[] = [];
  for (const stream of streams) {
    let reply: unknown;
    try {
      reply = await rdi.xinfo('CONSUMERS', stream, PROCESSOR_GROUP);
    } catch {
      continue; // no group yet
    }
    if (!Array.isArray(reply)) continue;
    for (const entry of reply as unknown[]) {
      if (!Array.isArray(entry)) continue;
      const field = (name: string): unknown => entry[entry.indexOf(name) + 1];
      const idleMs = Number(field('idle'));
      const orphaned =
        !ours.includes(String(field('name'))) &&
        Number(field('pending')) > 0 &&
        idleMs >= idle.minMs &&
        idleMs < idle.maxMs;
      if (orphaned) {
        found.push(stream);
        break;
      }
    }
  }
  return found;
}
