// The consume loop: reads change streams through the processor's consumer group (its own
// pending entries first, then new ones), applies each stream's batch to every target with its
// checkpoint, and only then acknowledges and trims. One read in flight at a time (its streams'
// batches handled side by side, each stream in order), so the processor's memory is bounded
// by the read budget.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { isSluiceError } from '../common/errors.ts';
import { PROCESSOR_GROUP, PROCESSOR_STATS_KEY } from '../pipeline/redis-keys.ts';
import type { BatchTimings } from './acknowledge-batch.ts';
import { queueAcknowledgement } from './acknowledge-batch.ts';
import type { BackpressureThresholds } from './backpressure.ts';
import { BackpressureMonitor } from './backpressure-monitor.ts';
import type { TargetReject } from './apply-batch.ts';
import { addTargetRejects } from './apply-batch.ts';
import type { Clock, Logger } from './ports.ts';
import type { AsyncJob, ProcessedEntries } from './process-entries.ts';
import { processEntriesAsync } from './process-entries.ts';
import type { StreamEntry } from './stream-entry.ts';
import { ReadBudget } from './read-budget.ts';
import { toStreamEntry } from './stream-entry.ts';
import { claimOrphanedEntries, ensureGroup, listChangeStreams } from './stream-discovery.ts';
import { TargetSet } from './target-set.ts';
import type { TargetWriter } from './target-writer.ts';

export interface ProcessorSettings {
  readonly consumerName: string;
  readonly epoch: number;
  readonly jobName: string;
  readonly readBatchSize: number;
  /** Most bytes one read may hold (read-budget.ts); bounds memory with large entries. */
  readonly readBatchBytes: number;
  readonly readBlockMs: number;
  /** How often new streams are looked for while idle (processors.idle_streams_check_interval_ms). */
  readonly streamsCheckIntervalMs: number;
  /** The same while the last read brought entries (busy_streams_check_interval_ms); default: idle's. */
  readonly busyStreamsCheckIntervalMs?: number;
  readonly errorHandling: 'dlq' | 'ignore';
  readonly dlqMaxMessages: number;
  readonly retryInitialDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly backpressure: BackpressureThresholds;
  readonly backpressureCheckIntervalMs: number;
}

export interface ProcessorDeps {
  /** RDI database connection for acks, DLQ and statistics. */
  readonly rdi: Redis;
  /** A second RDI database connection used only for blocking reads. */
  readonly reader: Redis;
  /**
   * Every target the pipeline writes to (`target` and the connections jobs name). A batch is
   * acknowledged only when each of them holds it.
   */
  readonly targets: readonly TargetWriter[];
  /** The pipeline's jobs (or the default job): event → write plan, maybe asynchronously. */
  readonly job: AsyncJob;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: ProcessorSettings;
}

/** idle → running → stopping → stopped; failed when a fatal error (e.g. fenced) ends the loop. */
export type ProcessorState = 'idle' | 'running' | 'stopping' | 'stopped' | 'failed';

type XReadReply = [string, [string, string[] | null][]][] | null;

export class Processor {
  #state: ProcessorState = 'idle';
  #loop: Promise<void> | undefined;
  readonly #abort = new AbortController();
  readonly #deps: ProcessorDeps;
  readonly #streams = new Set<string>();
  /** Streams whose own pending entries have not all been re-read since start or an error. */
  readonly #pendingPhase = new Set<string>();
  readonly #targets: TargetSet;
  #nextDiscovery = 0;
  /** The last read of new entries brought some: stream discovery uses the busy interval. */
  #busy = false;
  #failure: unknown;
  #unreportedAckMs = 0;
  #targetDown = false;
  #nextMemoryReport = 0;
  #prefetch: Promise<XReadReply> | undefined;
  readonly #backpressure: BackpressureMonitor;
  readonly #readBudget: ReadBudget;

  constructor(deps: ProcessorDeps) {
    this.#deps = deps;
    this.#targets = new TargetSet(deps.targets);
    this.#readBudget = new ReadBudget(deps.settings.readBatchSize, deps.settings.readBatchBytes);
    this.#backpressure = new BackpressureMonitor({
      rdi: deps.rdi,
      clock: deps.clock,
      logger: deps.logger,
      thresholds: deps.settings.backpressure,
      intervalMs: deps.settings.backpressureCheckIntervalMs,
    });
  }

  get state(): ProcessorState {
    return this.#state;
  }

  /** A method, not a field read, because stop() changes the state while a step awaits. */
  #running(): boolean {
    return this.#state === 'running';
  }

  get failure(): unknown {
    return this.#failure;
  }

  /** Starts the loop; the returned promise settles when the loop ends. Idempotent. */
  start(): Promise<void> {
    if (this.#loop) return this.#loop;
    this.#state = 'running';
    this.#loop = this.#run();
    return this.#loop;
  }

  /** Finishes the batch in flight, then stops. Idempotent. */
  async stop(): Promise<void> {
    if (this.#state === 'running') this.#state = 'stopping';
    this.#abort.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const { logger } = this.#deps;
    let failures = 0;
    await this.#targets.loadCheckpoints();
    while (this.#running()) {
      try {
        await this.#step();
        failures = 0;
      } catch (error) {
        if (isSluiceError(error, 'FENCED')) {
          this.#failure = error;
          this.#state = 'failed';
          logger.error('Stopping: this processor has been fenced off.', { error: error.message });
          return;
        }
        if (!this.#running()) break;
        failures += 1;
        const delay = this.#backoff(failures);
        logger.warn('Processing step failed; will retry.', {
          error: String(error),
          retryInMs: delay,
        });
        // Entries read but not acknowledged are re-read from the pending list.
        await this.#dropPrefetch();
        for (const stream of this.#streams) this.#pendingPhase.add(stream);
        await this.#pause(delay);
        await this.#targets.loadCheckpoints();
      }
    }
    await this.#dropPrefetch();
    this.#state = 'stopped';
  }

  #backoff(attempt: number): number {
    const { retryInitialDelayMs, retryMaxDelayMs } = this.#deps.settings;
    return Math.min(retryMaxDelayMs, retryInitialDelayMs * 2 ** Math.min(attempt - 1, 20));
  }

  async #pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.#abort.signal }).catch(() => undefined);
  }

  /**
   * The process's memory in the processor statistics (read by the exporter), once per
   * backpressure interval, not per batch: `resources_at` lets a reader tell a stale report.
   */
  async #reportMemory(): Promise<void> {
    const { rdi, clock, settings } = this.#deps;
    const now = clock.now();
    if (now < this.#nextMemoryReport) return;
    this.#nextMemoryReport = now + settings.backpressureCheckIntervalMs;
    const { rss, heapUsed } = process.memoryUsage();
    await rdi.hset(PROCESSOR_STATS_KEY, {
      rss_bytes: rss,
      heap_used_bytes: heapUsed,
      resources_at: now,
      consumer: settings.consumerName,
    });
  }

  async #discover(): Promise<void> {
    const { rdi, clock, settings } = this.#deps;
    if (clock.now() < this.#nextDiscovery) return;
    for (const stream of await listChangeStreams(rdi)) {
      if (this.#streams.has(stream)) continue;
      await ensureGroup(rdi, stream);
      const claimed = await claimOrphanedEntries(rdi, stream, settings.consumerName);
      if (claimed > 0) this.#deps.logger.info('Took over pending entries.', { stream, claimed });
      this.#streams.add(stream);
      this.#pendingPhase.add(stream);
    }
    const interval = this.#busy
      ? (settings.busyStreamsCheckIntervalMs ?? settings.streamsCheckIntervalMs)
      : settings.streamsCheckIntervalMs;
    this.#nextDiscovery = clock.now() + interval;
  }

  async #step(): Promise<void> {
    await this.#discover();
    await this.#backpressure.check([...this.#streams], this.#targetDown);
    await this.#reportMemory();
    const { settings, reader } = this.#deps;
    if (this.#streams.size === 0) {
      await this.#pause(settings.streamsCheckIntervalMs);
      return;
    }
    const [pendingStream] = this.#pendingPhase;
    const readStarted = performance.now();
    if (pendingStream !== undefined) {
      const reply = (await reader.xreadgroup(
        'GROUP',
        PROCESSOR_GROUP,
        settings.consumerName,
        'COUNT',
        this.#readBudget.count(1),
        'STREAMS',
        pendingStream,
        '0',
      )) as XReadReply;
      const entries = reply?.[0]?.[1] ?? [];
      this.#readBudget.observe(entries);
      if (entries.length === 0) this.#pendingPhase.delete(pendingStream);
      else
        await this.#handle(
          pendingStream,
          entries.map(([id, fields]) => toStreamEntry(id, fields)),
          performance.now() - readStarted,
        );
      return;
    }
    // The read of the next batch is already under way while this one is applied, so Redis
    // and this process work at the same time. Entries it delivers are in this consumer's
    // pending list, so nothing is lost if we stop or fail before handling them.
    const reply = await (this.#prefetch ?? this.#readNew());
    this.#busy = reply !== null;
    // Learn the entries' size before sizing the next read.
    for (const [, entries] of reply ?? []) this.#readBudget.observe(entries);
    this.#prefetch = reply === null ? undefined : this.#readNew();
    // A blocking read's wait for new entries is idle time, not work: it is not counted.
    const readMs = reply === null ? 0 : (performance.now() - readStarted) / reply.length;
    // Streams are independent (order is per stream): their batches are handled side by side,
    // so one stream's decoding overlaps another's write and acknowledgement round trips.
    const handled = await Promise.allSettled(
      (reply ?? [])
        .filter(([, entries]) => entries.length > 0)
        .map(([stream, entries]) =>
          this.#handle(
            stream,
            entries.map(([id, fields]) => toStreamEntry(id, fields)),
            readMs,
          ),
        ),
    );
    for (const result of handled) {
      if (result.status === 'rejected') throw result.reason;
    }
  }

  #readNew(): Promise<XReadReply> {
    const { settings, reader } = this.#deps;
    const streams = [...this.#streams];
    const read = reader.xreadgroup(
      'GROUP',
      PROCESSOR_GROUP,
      settings.consumerName,
      'COUNT',
      this.#readBudget.count(streams.length),
      'BLOCK',
      settings.readBlockMs,
      'STREAMS',
      ...streams,
      ...streams.map(() => '>'),
    ) as Promise<XReadReply>;
    // Handled when awaited; a prefetch dropped after an error must not be unhandled.
    read.catch(() => undefined);
    return read;
  }

  /** Drops a read under way: its entries are re-read from the pending list. */
  async #dropPrefetch(): Promise<void> {
    const prefetch = this.#prefetch;
    this.#prefetch = undefined;
    await prefetch?.catch(() => undefined);
  }

  /** Applies one stream's entries, retrying transient target faults until done or stopped. */
  async #handle(stream: string, entries: readonly StreamEntry[], readMs: number): Promise<void> {
    const last = entries[entries.length - 1];
    if (!last) return;
    let attempt = 0;
    // Records a target refused, kept across retries: a target that applied the batch before
    // another target failed skips it on the retry, and would not report them again.
    const refused = new Map<string, TargetReject>();
    for (;;) {
      try {
        // Entries every target already holds (a replay) are not processed again.
        const fresh = this.#targets.unapplied(stream, entries);
        const transformStarted = performance.now();
        // Inside the try: a lookup whose target is down is a transient target fault too.
        const processed = await processEntriesAsync(fresh, this.#deps.job, stream);
        const transformMs = performance.now() - transformStarted;
        const writeStarted = performance.now();
        if (fresh.length > 0) {
          await this.#targets.apply(
            {
              stream,
              entryIds: fresh.map((e) => e.id),
              lastId: last.id,
              epoch: this.#deps.settings.epoch,
              ops: processed.ops,
              opEntryIds: processed.opEntryIds,
            },
            refused,
          );
        }
        addTargetRejects(processed, entries, refused.values());
        const writeMs = performance.now() - writeStarted;
        this.#targetDown = false;
        await this.#acknowledge(stream, entries, processed, { readMs, transformMs, writeMs });
        return;
      } catch (error) {
        if (!isSluiceError(error) || !error.retryable || !this.#running()) throw error;
        attempt += 1;
        this.#targetDown = true;
        // Raise the flag at once (the operator pauses capture); errors here must not stop the retry.
        await this.#backpressure
          .check([...this.#streams], true, attempt === 1)
          .catch((e: unknown) => {
            this.#deps.logger.warn('Could not publish backpressure.', { error: String(e) });
          });
        const delay = this.#backoff(attempt);
        this.#deps.logger.warn('Target write failed; retrying.', {
          stream,
          error: error.message,
          retryInMs: delay,
        });
        await this.#pause(delay);
        if (!this.#running()) return;
      }
    }
  }

  /** DLQ rejects, acknowledge, trim and count, in one round trip to the RDI database. */
  async #acknowledge(
    stream: string,
    entries: readonly StreamEntry[],
    processed: ProcessedEntries,
    timings: BatchTimings,
  ): Promise<void> {
    const { rdi, settings, clock, logger } = this.#deps;
    for (const { entry, error } of processed.rejected) {
      logger.warn('Record rejected.', {
        stream,
        id: entry.id,
        code: error.code,
        reason: error.message,
      });
    }
    const multi = rdi.multi();
    const ackStarted = performance.now();
    queueAcknowledgement(multi, {
      stream,
      entries,
      processed,
      errorHandling: settings.errorHandling,
      dlqMaxMessages: settings.dlqMaxMessages,
      jobName: settings.jobName,
      now: clock.now(),
      timings,
    });
    // The acknowledgement's own duration is known only afterwards: it rides on the next batch
    // (taken here, so that batches of streams acknowledged side by side count it once).
    const carried = this.#unreportedAckMs;
    this.#unreportedAckMs = 0;
    if (carried > 0) multi.hincrbyfloat(PROCESSOR_STATS_KEY, 'ack_time_ms', carried);
    const results = await multi.exec();
    const failed = results?.find(([error]) => error !== null);
    if (results === null || failed) {
      this.#unreportedAckMs += carried;
      throw failed?.[0] ?? new Error('the acknowledgement was discarded');
    }
    this.#unreportedAckMs += performance.now() - ackStarted;
  }
}
