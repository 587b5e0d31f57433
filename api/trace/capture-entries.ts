// Captures the next entries of a pipeline's change streams without consuming them: plain XREAD
// from each stream's last id at the start (never the consumer group, so nothing is claimed or
// acknowledged). Streams that appear meanwhile are read from their beginning.

import type { Redis } from 'ioredis';
import { toStreamEntry, type StreamEntry } from '../../processor/core/stream-entry.ts';
import { compareIds } from '../../processor/core/entry-id.ts';

export interface CapturedEntry extends StreamEntry {
  readonly stream: string;
}

export interface CaptureOptions {
  readonly count: number;
  readonly timeoutMs: number;
  /** The pipeline's change streams now; called again after each wait to find new ones. */
  readonly streams: () => Promise<readonly string[]>;
  /** Monotonic milliseconds, for the deadline. */
  readonly elapsed?: () => number;
}

/** Longest single XREAD wait: new streams are looked for at least this often. */
const MAX_BLOCK_MS = 1000;

type XReadReply = [string, [string, string[] | null][]][] | null;

/**
 * Reads up to `count` new entries within `timeoutMs`. `reader` must be a connection of its own:
 * a blocking XREAD holds the connection for the whole wait.
 */
export async function captureEntries(
  reader: Redis,
  options: CaptureOptions,
): Promise<CapturedEntry[]> {
  const elapsed = options.elapsed ?? (() => performance.now());
  const start = elapsed();
  const lastIds = new Map<string, string>();
  for (const stream of await options.streams()) lastIds.set(stream, await lastId(reader, stream));
  const captured: CapturedEntry[] = [];
  for (;;) {
    const left = options.timeoutMs - (elapsed() - start);
    if (captured.length >= options.count || left <= 0) break;
    const streams = [...lastIds.keys()];
    if (streams.length > 0) {
      const reply = (await reader.call(
        'XREAD',
        'COUNT',
        options.count - captured.length,
        'BLOCK',
        Math.max(1, Math.min(MAX_BLOCK_MS, Math.ceil(left))),
        'STREAMS',
        ...streams,
        ...streams.map((s) => lastIds.get(s) ?? '0-0'),
      )) as XReadReply;
      for (const [stream, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          lastIds.set(stream, id);
          captured.push({ stream, ...toStreamEntry(id, fields) });
        }
      }
    } else {
      await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_BLOCK_MS / 4, left)));
    }
    // A table that got its first change meanwhile has a new stream: read it from the start.
    for (const stream of await options.streams()) {
      if (!lastIds.has(stream)) lastIds.set(stream, '0-0');
    }
  }
  // XREAD answers stream by stream; the trace shows entries in arrival order.
  return captured.sort((a, b) => compareIds(a.id, b.id)).slice(0, options.count);
}

async function lastId(reader: Redis, stream: string): Promise<string> {
  const info = (await reader.call('XINFO', 'STREAM', stream)) as unknown[];
  const at = info.indexOf('last-generated-id');
  const id = info[at + 1];
  return at >= 0 && typeof id === 'string' ? id : '0-0';
}
