// The change streams as the consume loop sees them, in the RDI database: discovery of new
// streams (joining the consumer group and claiming orphaned entries), reads of this
// consumer's pending entries and then of new ones (sized by the read budget, the next read
// of new entries already under way while a batch is applied), and acknowledgement.

import type { Redis } from 'ioredis';
import { PROCESSOR_GROUP, PROCESSOR_STATS_KEY } from '../pipeline/redis-keys.ts';
import { encodeResourceReport, queueAckTime } from '../pipeline/records/processor-stats.ts';
import type { ResourceReport } from '../pipeline/records/processor-stats.ts';
import type { AcknowledgeInput } from './acknowledge-batch.ts';
import { queueAcknowledgement } from './acknowledge-batch.ts';
import { ReadBudget } from './core/read-budget.ts';
import type { StreamEntry } from './core/stream-entry.ts';
import type { StreamShard } from './core/stream-shard.ts';
import { toStreamEntry } from './core/stream-entry.ts';
import { claimOrphanedEntries, ensureGroup, listChangeStreams } from './stream-discovery.ts';

/** The entries one read brought from one stream, oldest first. */
export interface StreamRead {
  readonly stream: string;
  readonly entries: readonly StreamEntry[];
}

/** What the consume runner needs from the change streams (a fake in unit tests). */
export interface ChangeSource {
  /** Every change stream now in the RDI database, sorted. */
  listStreams(): Promise<string[]>;
  /** Joins the group on `stream` and takes over other consumers' pending entries (their count). */
  join(stream: string): Promise<number>;
  /** This consumer's own pending entries of `stream` (from the start); empty once all re-read. */
  readPending(stream: string): Promise<readonly StreamEntry[]>;
  /** New entries of `streams` (blocking up to the read timeout); null when none came. */
  readNew(streams: readonly string[]): Promise<readonly StreamRead[] | null>;
  /** Forgets a read of new entries under way: its entries are re-read from the pending list. */
  dropPrefetch(): Promise<void>;
  /** Dead-letters rejects, acknowledges, trims and counts a handled batch in one round trip. */
  acknowledge(input: AcknowledgeInput, carriedAckMs: number): Promise<void>;
  /** Publishes the process's memory in the processor statistics. */
  reportResources(report: ResourceReport): Promise<void>;
}

export interface StreamSourceOptions {
  /** For discovery, acknowledgements and statistics. */
  readonly rdi: Redis;
  /** A second connection used only for (blocking) reads. */
  readonly reader: Redis;
  readonly consumerName: string;
  readonly readBatchSize: number;
  readonly readBatchBytes: number;
  readonly readBlockMs: number;
  /** Only the streams this instance owns (stream-shard.ts); default all. */
  readonly shard?: StreamShard;
}

type XReadReply = [string, [string, string[] | null][]][] | null;

export class StreamSource implements ChangeSource {
  readonly #options: StreamSourceOptions;
  readonly #budget: ReadBudget;
  #prefetch: Promise<XReadReply> | undefined;

  constructor(options: StreamSourceOptions) {
    this.#options = options;
    this.#budget = new ReadBudget(options.readBatchSize, options.readBatchBytes);
  }

  listStreams(): Promise<string[]> {
    return listChangeStreams(this.#options.rdi, this.#options.shard);
  }

  async join(stream: string): Promise<number> {
    await ensureGroup(this.#options.rdi, stream);
    return claimOrphanedEntries(this.#options.rdi, stream, this.#options.consumerName);
  }

  async readPending(stream: string): Promise<readonly StreamEntry[]> {
    const { reader, consumerName } = this.#options;
    const reply = (await reader.xreadgroup(
      'GROUP',
      PROCESSOR_GROUP,
      consumerName,
      'COUNT',
      this.#budget.count(1),
      'STREAMS',
      stream,
      '0',
    )) as XReadReply;
    const entries = reply?.[0]?.[1] ?? [];
    this.#budget.observe(entries);
    return entries.map(([id, fields]) => toStreamEntry(id, fields));
  }

  async readNew(streams: readonly string[]): Promise<readonly StreamRead[] | null> {
    // The read of the next batch is already under way while this one is applied, so Redis
    // and this process work at the same time. Entries it delivers are in this consumer's
    // pending list, so nothing is lost if we stop or fail before handling them.
    const reply = await (this.#prefetch ?? this.#startRead(streams));
    // Learn the entries' size before sizing the next read.
    for (const [, entries] of reply ?? []) this.#budget.observe(entries);
    this.#prefetch = reply === null ? undefined : this.#startRead(streams);
    if (reply === null) return null;
    const reads: StreamRead[] = [];
    for (const [stream, entries] of reply) {
      if (entries.length === 0) continue;
      reads.push({ stream, entries: entries.map(([id, fields]) => toStreamEntry(id, fields)) });
    }
    return reads;
  }

  #startRead(streams: readonly string[]): Promise<XReadReply> {
    const { reader, consumerName, readBlockMs } = this.#options;
    const read = reader.xreadgroup(
      'GROUP',
      PROCESSOR_GROUP,
      consumerName,
      'COUNT',
      this.#budget.count(streams.length),
      'BLOCK',
      readBlockMs,
      'STREAMS',
      ...streams,
      ...streams.map(() => '>'),
    ) as Promise<XReadReply>;
    // Handled when awaited; a prefetch dropped after an error must not be unhandled.
    read.catch(() => undefined);
    return read;
  }

  async dropPrefetch(): Promise<void> {
    const prefetch = this.#prefetch;
    this.#prefetch = undefined;
    await prefetch?.catch(() => undefined);
  }

  async acknowledge(input: AcknowledgeInput, carriedAckMs: number): Promise<void> {
    const multi = this.#options.rdi.multi();
    queueAcknowledgement(multi, input);
    if (carriedAckMs > 0) queueAckTime(multi, carriedAckMs);
    const results = await multi.exec();
    const failed = results?.find(([error]) => error !== null);
    if (results === null || failed) {
      throw failed?.[0] ?? new Error('the acknowledgement was discarded');
    }
  }

  async reportResources(report: ResourceReport): Promise<void> {
    await this.#options.rdi.hset(PROCESSOR_STATS_KEY, encodeResourceReport(report));
  }
}
