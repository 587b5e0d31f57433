// The consume loop: reads change streams through the processor's consumer group (its own
// pending entries first, then new ones), applies each stream's batch to the target with its
// checkpoint, and only then acknowledges and trims. One batch in flight at a time, so the
// processor's memory is bounded by the read batch size.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { isSluiceError } from '../common/errors.ts';
import { dlqKey, PROCESSOR_GROUP, statsKey } from '../pipeline/redis-keys.ts';
import { applyBatch, readCheckpoints } from './apply-batch.ts';
import { isAfter } from './entry-id.ts';
import type { Clock, Logger } from './ports.ts';
import type { Job, ProcessedEntries } from './process-entries.ts';
import { processEntries } from './process-entries.ts';
import type { StreamEntry } from './stream-entry.ts';
import { toStreamEntry } from './stream-entry.ts';
import { ensureGroup, listChangeStreams } from './stream-discovery.ts';

export interface ProcessorSettings {
  readonly consumerName: string;
  readonly epoch: number;
  readonly jobName: string;
  readonly readBatchSize: number;
  readonly readBlockMs: number;
  readonly streamsCheckIntervalMs: number;
  readonly errorHandling: 'dlq' | 'ignore';
  readonly dlqMaxMessages: number;
  readonly retryInitialDelayMs: number;
  readonly retryMaxDelayMs: number;
}

export interface ProcessorDeps {
  /** RDI database connection for acks, DLQ and statistics. */
  readonly rdi: Redis;
  /** A second RDI database connection used only for blocking reads. */
  readonly reader: Redis;
  readonly target: Redis;
  readonly job: Job;
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
  #checkpoints = new Map<string, string>();
  #nextDiscovery = 0;
  #failure: unknown;

  constructor(deps: ProcessorDeps) {
    this.#deps = deps;
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
    this.#checkpoints = await readCheckpoints(this.#deps.target).catch(
      () => new Map<string, string>(),
    );
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
        for (const stream of this.#streams) this.#pendingPhase.add(stream);
        await this.#pause(delay);
        this.#checkpoints = await readCheckpoints(this.#deps.target).catch(() => this.#checkpoints);
      }
    }
    this.#state = 'stopped';
  }

  #backoff(attempt: number): number {
    const { retryInitialDelayMs, retryMaxDelayMs } = this.#deps.settings;
    return Math.min(retryMaxDelayMs, retryInitialDelayMs * 2 ** Math.min(attempt - 1, 20));
  }

  async #pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.#abort.signal }).catch(() => undefined);
  }

  async #discover(): Promise<void> {
    const { rdi, clock, settings } = this.#deps;
    if (clock.now() < this.#nextDiscovery) return;
    for (const stream of await listChangeStreams(rdi)) {
      if (this.#streams.has(stream)) continue;
      await ensureGroup(rdi, stream);
      this.#streams.add(stream);
      this.#pendingPhase.add(stream);
    }
    this.#nextDiscovery = clock.now() + settings.streamsCheckIntervalMs;
  }

  async #step(): Promise<void> {
    await this.#discover();
    const { settings, reader } = this.#deps;
    if (this.#streams.size === 0) {
      await this.#pause(settings.streamsCheckIntervalMs);
      return;
    }
    const [pendingStream] = this.#pendingPhase;
    if (pendingStream !== undefined) {
      const reply = (await reader.xreadgroup(
        'GROUP',
        PROCESSOR_GROUP,
        settings.consumerName,
        'COUNT',
        settings.readBatchSize,
        'STREAMS',
        pendingStream,
        '0',
      )) as XReadReply;
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) this.#pendingPhase.delete(pendingStream);
      else
        await this.#handle(
          pendingStream,
          entries.map(([id, fields]) => toStreamEntry(id, fields)),
        );
      return;
    }
    const streams = [...this.#streams];
    const reply = (await reader.xreadgroup(
      'GROUP',
      PROCESSOR_GROUP,
      settings.consumerName,
      'COUNT',
      settings.readBatchSize,
      'BLOCK',
      settings.readBlockMs,
      'STREAMS',
      ...streams,
      ...streams.map(() => '>'),
    )) as XReadReply;
    for (const [stream, entries] of reply ?? []) {
      if (entries.length === 0) continue;
      await this.#handle(
        stream,
        entries.map(([id, fields]) => toStreamEntry(id, fields)),
      );
    }
  }

  /** Applies one stream's entries, retrying transient target faults until done or stopped. */
  async #handle(stream: string, entries: readonly StreamEntry[]): Promise<void> {
    const first = entries[0];
    const last = entries[entries.length - 1];
    if (!first || !last) return;
    let attempt = 0;
    for (;;) {
      const checkpoint = this.#checkpoints.get(stream);
      const fresh =
        checkpoint === undefined ? entries : entries.filter((e) => isAfter(e.id, checkpoint));
      const processed = processEntries(fresh, this.#deps.job);
      try {
        if (fresh.length > 0) {
          const result = await applyBatch(this.#deps.target, {
            stream,
            firstId: fresh[0]?.id ?? first.id,
            lastId: last.id,
            epoch: this.#deps.settings.epoch,
            ops: processed.ops,
          });
          if (!result.applied) {
            // Another writer (or our previous life) got further: skip what it applied.
            this.#checkpoints.set(stream, result.checkpoint);
            continue;
          }
          this.#checkpoints.set(stream, last.id);
        }
        await this.#acknowledge(stream, entries, processed);
        return;
      } catch (error) {
        if (!isSluiceError(error) || !error.retryable || !this.#running()) throw error;
        attempt += 1;
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
  ): Promise<void> {
    const { rdi, settings, clock } = this.#deps;
    const last = entries[entries.length - 1];
    if (!last) return;
    const now = clock.now();
    const multi = rdi.multi();
    if (settings.errorHandling === 'dlq') {
      for (const { entry, error } of processed.rejected) {
        multi.xadd(
          dlqKey(stream),
          'MAXLEN',
          '~',
          settings.dlqMaxMessages,
          '*',
          'entry_id',
          entry.id,
          'error_code',
          error.code,
          'reason',
          error.message,
          'job',
          settings.jobName,
          'time',
          String(now),
          'key',
          entry.key ?? '',
          'value',
          entry.value ?? '',
        );
      }
    }
    for (const { entry, error } of processed.rejected) {
      this.#deps.logger.warn('Record rejected.', {
        stream,
        id: entry.id,
        code: error.code,
        reason: error.message,
      });
    }
    multi.xack(stream, PROCESSOR_GROUP, ...entries.map((e) => e.id));
    // Everything at or below `last` is acknowledged (pending entries are re-read first), so
    // entries older than it can go; `last` itself stays as a marker of progress. Exact (not
    // '~') trimming, so the RDI database really holds only the backlog.
    multi.xtrim(stream, 'MINID', last.id);
    const stats = statsKey(stream);
    const { counts } = processed;
    multi.hincrby(stats, 'total', entries.length);
    if (counts.inserted) multi.hincrby(stats, 'inserted', counts.inserted);
    if (counts.updated) multi.hincrby(stats, 'updated', counts.updated);
    if (counts.deleted) multi.hincrby(stats, 'deleted', counts.deleted);
    if (counts.filtered) multi.hincrby(stats, 'filtered', counts.filtered);
    if (processed.rejected.length) multi.hincrby(stats, 'rejected', processed.rejected.length);
    multi.hset(stats, 'last_arrival', String(now));
    await multi.exec();
  }
}
