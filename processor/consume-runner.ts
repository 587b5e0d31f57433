// The consume loop around the change source and the targets: each step discovers streams,
// checks backpressure, reads (a stream's own pending entries first, then new ones), applies
// each stream's batch to every target with its checkpoint, and only then acknowledges. It
// retries with backoff and times each stage, on the clock and timer it is given. A read's
// streams are handled side by side (each stream in order); while one read's batches are being
// written and acknowledged, the next read is decoded and planned, but its writes start only
// once the previous read is fully applied and acknowledged. So at most two reads are held (one
// being written, one planned) plus the one being fetched: memory stays bounded by the read budget.

import { setTimeout as sleep } from 'node:timers/promises';
import { isSluiceError } from '../common/errors.ts';
import type { BatchTimings } from './acknowledge-batch.ts';
import type { TargetReject } from './apply-batch.ts';
import { addTargetRejects } from './apply-batch.ts';
import { ConsumeState, retryDelayMs } from './core/consume-state.ts';
import type { Clock, Logger } from './ports.ts';
import type { AsyncJob, ProcessedEntries } from './core/process-entries.ts';
import { processEntriesAsync } from './core/process-entries.ts';
import type { StreamEntry } from './core/stream-entry.ts';
import type { ChangeSource } from './stream-source.ts';
import type { TargetSet } from './target-set.ts';

/** Elapsed time for stage timings, and waiting; a fake in unit tests. */
export interface Timer {
  /** Monotonic milliseconds (only differences mean something). */
  elapsed(): number;
  /** Resolves after `ms`, or at once when `signal` aborts; never rejects. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemTimer: Timer = {
  elapsed: () => performance.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined),
};

/** The backpressure monitor as the runner uses it (backpressure-monitor.ts). */
export interface BackpressureCheck {
  check(streams: readonly string[], targetDown: boolean, force?: boolean): Promise<void>;
}

export interface RunnerSettings {
  readonly consumerName: string;
  readonly epoch: number;
  readonly jobName: string;
  /** How often new streams are looked for while idle (processors.idle_streams_check_interval_ms). */
  readonly streamsCheckIntervalMs: number;
  /** The same while the last read brought entries (busy_streams_check_interval_ms); default: idle's. */
  readonly busyStreamsCheckIntervalMs?: number;
  readonly errorHandling: 'dlq' | 'ignore';
  readonly dlqMaxMessages: number;
  readonly retryInitialDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly backpressureCheckIntervalMs: number;
}

export interface RunnerDeps {
  readonly source: ChangeSource;
  readonly targets: TargetSet;
  readonly backpressure: BackpressureCheck;
  readonly job: AsyncJob;
  readonly clock: Clock;
  readonly timer: Timer;
  readonly logger: Logger;
  readonly settings: RunnerSettings;
  /** The process's memory, reported once per backpressure interval. */
  readonly memoryUsage: () => { readonly rss: number; readonly heapUsed: number };
}

/** A stream's batch decoded and planned, ready to write. */
interface Planned {
  readonly fresh: readonly StreamEntry[];
  readonly processed: ProcessedEntries;
  readonly transformMs: number;
}

/** idle → running → stopping → stopped; failed when a fatal error (e.g. fenced) ends the loop. */
export type ProcessorState = 'idle' | 'running' | 'stopping' | 'stopped' | 'failed';

export class ConsumeRunner {
  #state: ProcessorState = 'idle';
  #loop: Promise<void> | undefined;
  readonly #abort = new AbortController();
  readonly #deps: RunnerDeps;
  readonly #consume: ConsumeState;
  #failure: unknown;
  #targetDown = false;
  /** The previous read's writes and acknowledgements, still under way; rejects with their error. */
  #inflight: Promise<void> | undefined;

  constructor(deps: RunnerDeps) {
    this.#deps = deps;
    this.#consume = new ConsumeState({
      streamsCheckIntervalMs: deps.settings.streamsCheckIntervalMs,
      ...(deps.settings.busyStreamsCheckIntervalMs === undefined
        ? {}
        : { busyStreamsCheckIntervalMs: deps.settings.busyStreamsCheckIntervalMs }),
      reportIntervalMs: deps.settings.backpressureCheckIntervalMs,
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
    const { logger, targets, source } = this.#deps;
    let failures = 0;
    await targets.loadCheckpoints();
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
        // The previous read's writes end (or fail) before anything is re-read.
        await this.#settleInflight().catch(() => undefined);
        failures += 1;
        const delay = this.#backoff(failures);
        logger.warn('Processing step failed; will retry.', {
          error: String(error),
          retryInMs: delay,
        });
        // Entries read but not acknowledged are re-read from the pending list.
        await source.dropPrefetch();
        this.#consume.rereadPending();
        await this.#pause(delay);
        await targets.loadCheckpoints();
      }
    }
    // Stopping finishes the batches in flight.
    try {
      await this.#settleInflight();
    } catch (error) {
      if (isSluiceError(error, 'FENCED')) {
        this.#failure = error;
        this.#state = 'failed';
        logger.error('Stopping: this processor has been fenced off.', { error: error.message });
      } else {
        logger.warn('The last batch was not applied; it is read again at the next start.', {
          error: String(error),
        });
      }
    }
    await source.dropPrefetch();
    if (this.#state !== 'failed') this.#state = 'stopped';
  }

  /** Waits for the previous read's writes; throws their error. */
  async #settleInflight(): Promise<void> {
    const inflight = this.#inflight;
    this.#inflight = undefined;
    await inflight;
  }

  #backoff(attempt: number): number {
    const { retryInitialDelayMs, retryMaxDelayMs } = this.#deps.settings;
    return retryDelayMs(attempt, retryInitialDelayMs, retryMaxDelayMs);
  }

  #pause(ms: number): Promise<void> {
    return this.#deps.timer.sleep(ms, this.#abort.signal);
  }

  async #discover(): Promise<void> {
    const { source, clock, logger } = this.#deps;
    if (!this.#consume.discoveryDue(clock.now())) return;
    for (const stream of await source.listStreams()) {
      if (this.#consume.knows(stream)) continue;
      const claimed = await source.join(stream);
      if (claimed > 0) logger.info('Took over pending entries.', { stream, claimed });
      this.#consume.addStream(stream);
    }
    this.#consume.discovered(clock.now());
  }

  /**
   * The process's memory in the processor statistics (read by the exporter), once per
   * backpressure interval, not per batch: `resources_at` lets a reader tell a stale report.
   */
  async #reportMemory(): Promise<void> {
    const { clock, source, settings, memoryUsage } = this.#deps;
    const now = clock.now();
    if (!this.#consume.takeReportDue(now)) return;
    const { rss, heapUsed } = memoryUsage();
    await source.reportResources({
      rssBytes: rss,
      heapUsedBytes: heapUsed,
      at: now,
      consumer: settings.consumerName,
    });
  }

  async #step(): Promise<void> {
    await this.#discover();
    await this.#deps.backpressure.check(this.#consume.streams, this.#targetDown);
    await this.#reportMemory();
    const { source, timer, settings } = this.#deps;
    const read = this.#consume.nextRead();
    if (read.kind === 'none') {
      await this.#settleInflight();
      await this.#pause(settings.streamsCheckIntervalMs);
      return;
    }
    const readStarted = timer.elapsed();
    if (read.kind === 'pending') {
      await this.#settleInflight();
      const entries = await source.readPending(read.stream);
      if (entries.length === 0) this.#consume.pendingDrained(read.stream);
      else await this.#handle(read.stream, entries, timer.elapsed() - readStarted);
      return;
    }
    const reads = await source.readNew(read.streams);
    this.#consume.newEntriesRead(reads !== null);
    if (reads === null) {
      await this.#settleInflight();
      return;
    }
    // A blocking read's wait for new entries is idle time, not work: it is not counted.
    const readMs = (timer.elapsed() - readStarted) / Math.max(1, reads.length);
    // A job that reads the target while planning must see the previous read written first.
    if (this.#deps.job.readsTarget === true) await this.#settleInflight();
    // Decoded and planned while the previous read's writes are under way; a planning error
    // is left to #handle, which retries it like a write.
    const planned = await Promise.all(
      reads.map(({ stream, entries }) => this.#plan(stream, entries).catch(() => undefined)),
    );
    // Writes keep their order: this read's start once the previous one is applied and
    // acknowledged (a failure there throws here, and this read is read again from the
    // pending list).
    await this.#settleInflight();
    // Streams are independent (order is per stream): their batches are handled side by side.
    const handled = Promise.allSettled(
      reads.map(({ stream, entries }, i) => this.#handle(stream, entries, readMs, planned[i])),
    ).then((results) => {
      for (const result of results) {
        if (result.status === 'rejected') throw result.reason;
      }
    });
    // Awaited by the next step (or at stop); never unhandled meanwhile.
    handled.catch(() => undefined);
    this.#inflight = handled;
  }

  /** Decodes and plans a stream's entries that the targets do not hold yet. */
  async #plan(stream: string, entries: readonly StreamEntry[]): Promise<Planned> {
    const { targets, timer, job } = this.#deps;
    const fresh = targets.unapplied(stream, entries);
    const started = timer.elapsed();
    const processed = await processEntriesAsync(fresh, job, stream);
    return { fresh, processed, transformMs: timer.elapsed() - started };
  }

  /**
   * Applies one stream's entries, retrying transient target faults until done or stopped. A
   * plan made ahead serves the first attempt; a retry plans again.
   */
  async #handle(
    stream: string,
    entries: readonly StreamEntry[],
    readMs: number,
    ahead?: Planned,
  ): Promise<void> {
    const last = entries[entries.length - 1];
    if (!last) return;
    const { targets, timer, settings, logger, backpressure } = this.#deps;
    let attempt = 0;
    // Records a target refused, kept across retries: a target that applied the batch before
    // another target failed skips it on the retry, and would not report them again.
    const refused = new Map<string, TargetReject>();
    for (;;) {
      try {
        // Entries every target already holds (a replay) are not processed again. Inside the
        // try: a lookup whose target is down is a transient target fault too.
        const { fresh, processed, transformMs } =
          attempt === 0 && ahead !== undefined ? ahead : await this.#plan(stream, entries);
        const writeStarted = timer.elapsed();
        if (fresh.length > 0) {
          await targets.apply(
            {
              stream,
              entryIds: fresh.map((e) => e.id),
              lastId: last.id,
              epoch: settings.epoch,
              ops: processed.ops,
              opEntryIds: processed.opEntryIds,
            },
            refused,
          );
        }
        addTargetRejects(processed, entries, refused.values());
        const writeMs = timer.elapsed() - writeStarted;
        this.#targetDown = false;
        await this.#acknowledge(stream, entries, processed, { readMs, transformMs, writeMs });
        return;
      } catch (error) {
        if (!isSluiceError(error) || !error.retryable || !this.#running()) throw error;
        attempt += 1;
        this.#targetDown = true;
        // Raise the flag at once (the operator pauses capture); errors here must not stop the retry.
        await backpressure.check(this.#consume.streams, true, attempt === 1).catch((e: unknown) => {
          logger.warn('Could not publish backpressure.', { error: String(e) });
        });
        const delay = this.#backoff(attempt);
        logger.warn('Target write failed; retrying.', {
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
    const { source, settings, clock, logger, timer } = this.#deps;
    for (const { entry, error } of processed.rejected) {
      logger.warn('Record rejected.', {
        stream,
        id: entry.id,
        code: error.code,
        reason: error.message,
      });
    }
    const carried = this.#consume.takeUnreportedAckMs();
    const ackStarted = timer.elapsed();
    try {
      await source.acknowledge(
        {
          stream,
          entries,
          processed,
          errorHandling: settings.errorHandling,
          dlqMaxMessages: settings.dlqMaxMessages,
          jobName: settings.jobName,
          now: clock.now(),
          timings,
        },
        carried,
      );
    } catch (error) {
      this.#consume.addUnreportedAckMs(carried);
      throw error;
    }
    this.#consume.addUnreportedAckMs(timer.elapsed() - ackStarted);
  }
}
