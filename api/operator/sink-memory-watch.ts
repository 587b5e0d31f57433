// Watches for Debezium's Redis sink holding changes back for lack of RDI-database memory
// (sink-memory-stall.ts has the rule): every few seconds it reads INFO memory, where the
// processor stands on each change stream, the size of the newest entry of each stream (what
// the sink measures) and, for a local collector, the lines Debezium appended to its log since
// the previous look. It keeps the status error and logs each transition once.

import { open } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import type { Clock, Logger } from '../../processor/ports.ts';
import type { PreparedPipeline } from './pipeline-workspace.ts';
import {
  lastSinkRefusal,
  neededMaxMemoryMb,
  SINK_BUFFER_FILL_RATE,
  sinkStallError,
  type SinkRefusal,
} from './sink-memory-stall.ts';
import type { StreamPosition } from './snapshot-sync.ts';
import type { StatusError } from './status-report.ts';
import { streamPositions } from './stream-positions.ts';

/** Debezium's refusal line comes back at its retry delay (1 s by default): a few per look. */
const DEFAULT_INTERVAL_MS = 5_000;
/** Bytes of newly appended log read per look, at most (a refusal line is ~250 B). */
const MAX_LOG_BYTES = 256 * 1024;

/** The buffer fill rate the pipeline gives the sink (advanced.sink), else Debezium's default. */
export function sinkFillRate(pipeline: PreparedPipeline): number {
  const sink = pipeline.config.sources[pipeline.source.name]?.advanced?.sink ?? {};
  const value = sink['redis.buffer.fill.rate'] ?? sink['buffer.fill.rate'];
  const rate = Number(value);
  return value !== undefined && Number.isInteger(rate) && rate > 0 ? rate : SINK_BUFFER_FILL_RATE;
}

function infoField(info: string, name: string): number {
  const match = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}

/** Nothing left to read: every stream delivered up to its last entry and nothing pending. */
export function processorIdle(positions: readonly StreamPosition[]): boolean {
  return positions.every(
    (p) =>
      p.oldestPending === undefined &&
      (p.delivered === p.lastId || p.entriesAdded === 0 || p.lastId === '0-0'),
  );
}

/** An entry's size as the sink computes it: stream name + every field name and value, in bytes. */
export function entrySize(stream: string, fields: readonly string[]): number {
  let size = Buffer.byteLength(stream);
  for (const field of fields) size += Buffer.byteLength(field);
  return size;
}

export class SinkMemoryWatch {
  readonly #rdi: Redis;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  #nextLook = 0;
  #error: StatusError | undefined;
  #logFile: string | undefined;
  #logOffset = 0;
  /** Size of each stream's newest entry, by the id it was measured at. */
  readonly #sizes = new Map<string, { id: string; bytes: number }>();

  constructor(opts: { rdi: Redis; clock: Clock; logger: Logger; intervalMs?: number }) {
    this.#rdi = opts.rdi;
    this.#clock = opts.clock;
    this.#logger = opts.logger;
    this.#intervalMs = opts.intervalMs ?? DEFAULT_INTERVAL_MS;
  }

  /** The status error while the sink holds back; undefined otherwise. */
  get error(): StatusError | undefined {
    return this.#error;
  }

  /**
   * Looks again once the interval has passed. `logFile` is the collector's log when the
   * operator can read it (local runtime); without it the sink's rule is applied to the sizes
   * of the entries already in the streams.
   */
  async observe(opts: {
    collectorRunning: boolean;
    pipeline: PreparedPipeline | undefined;
    logFile: string | undefined;
  }): Promise<void> {
    const now = this.#clock.now();
    if (now < this.#nextLook) return;
    this.#nextLook = now + this.#intervalMs;
    const { pipeline } = opts;
    const refusal = await this.#newRefusal(opts.logFile);
    if (!opts.collectorRunning || pipeline === undefined) {
      // Nothing to say while no collector runs (stopped, paused, restarting).
      this.#error = undefined;
      return;
    }
    const [info, positions] = await Promise.all([
      this.#rdi.info('memory'),
      streamPositions(this.#rdi, pipeline.name),
    ]);
    const entryBytes = await this.#largestEntry(positions);
    const input = {
      collectorRunning: true,
      processorIdle: processorIdle(positions),
      usedMemory: infoField(info, 'used_memory'),
      maxMemory: infoField(info, 'maxmemory'),
      entryBytes,
      fillRate: sinkFillRate(pipeline),
      refusal,
    };
    this.#set(sinkStallError(input), {
      usedMemory: input.usedMemory,
      maxMemory: input.maxMemory,
      entryBytes,
      fillRate: input.fillRate,
      debeziumEstimate: refusal?.estimated,
      neededMaxMemoryMb:
        entryBytes === undefined
          ? undefined
          : neededMaxMemoryMb(input.usedMemory, entryBytes, input.fillRate),
    });
  }

  /** Forgets everything, e.g. when leadership is lost. */
  forget(): void {
    this.#error = undefined;
    this.#nextLook = 0;
    this.#sizes.clear();
  }

  #set(error: StatusError | undefined, fields: Readonly<Record<string, unknown>>): void {
    if (error !== undefined && this.#error === undefined) {
      this.#logger.warn(
        "Collector stalled: Debezium's Redis sink holds changes back for lack of RDI database memory.",
        { ...fields, remediation: error.remediation },
      );
    } else if (error === undefined && this.#error !== undefined) {
      this.#logger.info("Debezium's Redis sink writes again.", fields);
    }
    this.#error = error;
  }

  /** The last refusal Debezium logged since the previous look. */
  async #newRefusal(logFile: string | undefined): Promise<SinkRefusal | undefined> {
    if (logFile !== this.#logFile) {
      this.#logFile = logFile;
      this.#logOffset = 0;
    }
    if (logFile === undefined) return undefined;
    let handle;
    try {
      handle = await open(logFile, 'r');
    } catch {
      return undefined;
    }
    try {
      const { size } = await handle.stat();
      // A new collector's log starts over.
      if (size < this.#logOffset) this.#logOffset = 0;
      const start = Math.max(this.#logOffset, size - MAX_LOG_BYTES);
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      this.#logOffset = size;
      return lastSinkRefusal(buffer.toString('utf8').split('\n'));
    } finally {
      await handle.close();
    }
  }

  /** The largest newest entry over the streams (re-read only when a stream's last id moved). */
  async #largestEntry(positions: readonly StreamPosition[]): Promise<number | undefined> {
    let largest: number | undefined;
    for (const { stream, lastId } of positions) {
      let known = this.#sizes.get(stream);
      if (known?.id !== lastId) {
        const [entry] = await this.#rdi.xrevrange(stream, '+', '-', 'COUNT', 1);
        if (entry === undefined) continue;
        known = { id: lastId, bytes: entrySize(stream, entry[1]) };
        this.#sizes.set(stream, known);
      }
      largest = Math.max(largest ?? 0, known.bytes);
    }
    return largest;
  }
}
