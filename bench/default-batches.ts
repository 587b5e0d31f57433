// The captured bench entries planned by the default job, in batches of 500 per stream, as the
// processor hands them to apply-batch.lua: shared by the micro-benchmarks of that hand-over.
import type { BatchToApply } from '../processor/apply-batch.ts';
import { planDefaultJob } from '../processor/core/default-job.ts';
import { processEntries } from '../processor/core/process-entries.ts';
import { toStreamEntry, type StreamEntry } from '../processor/core/stream-entry.ts';
import { entriesFile } from './bench-paths.ts';
import { readEntries } from './entries-file.ts';

export interface DefaultBatches {
  /** Entries read (at most the limit). */
  readonly count: number;
  readonly batches: readonly BatchToApply[];
}

export async function defaultBatches(limit: number, batchSize = 500): Promise<DefaultBatches> {
  const byStream = new Map<string, StreamEntry[]>();
  let count = 0;
  for (const captured of await readEntries(entriesFile())) {
    if (count >= limit) break;
    count += 1;
    const list = byStream.get(captured.stream) ?? [];
    list.push(toStreamEntry(captured.id, captured.fields));
    byStream.set(captured.stream, list);
  }
  const batches: BatchToApply[] = [];
  for (const [stream, entries] of byStream) {
    for (let i = 0; i < entries.length; i += batchSize) {
      const part = entries.slice(i, i + batchSize);
      const processed = processEntries(part, planDefaultJob);
      batches.push({
        stream,
        firstId: part[0]?.id ?? '',
        lastId: part[part.length - 1]?.id ?? '',
        epoch: 1,
        ops: processed.ops,
        opEntryIds: processed.opEntryIds,
      });
    }
  }
  return { count, batches };
}
