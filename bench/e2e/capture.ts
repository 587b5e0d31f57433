// Builds a backlog of un-processed changes in an RDI database: Debezium alone, streaming only,
// captures inserts of new rows (ids from..to of each table) until every one is a stream entry;
// then Debezium is stopped and its slot dropped. Used by the catch-up and memory benchmarks.
import { setTimeout as sleep } from 'node:timers/promises';
import type { PostgresInstance } from '../../harness/postgres.ts';
import type { ProcessRegistry } from '../../harness/process-registry.ts';
import type { BenchTable } from '../bench-tables.ts';
import {
  dropCapture,
  insertRows,
  startStreamingPipeline,
  type Overrides,
  type RedisPair,
  type RenderedPipeline,
} from './stack.ts';
import { streamProgress, usedMemory } from './stream-progress.ts';

export interface Captured {
  readonly pipeline: RenderedPipeline;
  readonly changes: number;
  /** RDI used_memory once Debezium was streaming, before the inserts, and after the capture. */
  readonly usedBefore: number;
  readonly usedAfter: number;
  readonly seconds: number;
}

export async function captureInserts(opts: {
  readonly dir: string;
  readonly registry: ProcessRegistry;
  readonly pg: PostgresInstance;
  readonly pair: RedisPair;
  readonly sourceName: string;
  readonly tables: readonly BenchTable[];
  readonly from: number;
  readonly to: number;
  readonly overrides: Overrides;
}): Promise<Captured> {
  const { pg, pair, sourceName } = opts;
  const mark = opts.registry.size;
  try {
    const pipeline = await startStreamingPipeline({ ...opts, withProcessor: false });
    // Let Debezium write its first offsets before the baseline is taken.
    await sleep(2_000);
    const usedBefore = await usedMemory(pair.rdiClient);
    const started = performance.now();
    const changes = (opts.to - opts.from + 1) * opts.tables.length;
    await insertRows(pg, opts.tables, opts.from, opts.to);
    let last = -1;
    let lastMove = performance.now();
    for (;;) {
      const { added } = await streamProgress(pair.rdiClient, pipeline.streams);
      if (added >= changes) break;
      if (added !== last) {
        last = added;
        lastMove = performance.now();
      } else if (performance.now() - lastMove > 120_000) {
        throw new Error(`capture stuck at ${added} of ${changes} entries for 2 minutes`);
      }
      await sleep(500);
    }
    const seconds = (performance.now() - started) / 1_000;
    return { pipeline, changes, usedBefore, usedAfter: await usedMemory(pair.rdiClient), seconds };
  } finally {
    await opts.registry.stopFrom(mark);
    await dropCapture(pg, sourceName);
  }
}
