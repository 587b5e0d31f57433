// Debezium's Redis sink holds back while the RDI database looks too full for its next batch:
// Debezium Server 3.6.1 refuses a batch while used_memory + (an estimate of what it wrote since
// used_memory last changed) + size of the batch's first record × redis.buffer.fill.rate (30,000)
// reaches maxmemory (or memory.limit.mb when that is lower), logs a line and retries forever.
// With wide entries a modest RDI database stalls the pipeline before its first entry, while
// Debezium's health stays UP. This module decides, from what the operator observes, whether
// the sink is holding back, and words the status error. Pure.

import type { StatusError } from './status-report.ts';

/** Debezium Server 3.6.1's default of `debezium.sink.redis.buffer.fill.rate`. */
export const SINK_BUFFER_FILL_RATE = 30_000;

/** Error code of the status entry (also the exporter's metric reads it). */
export const SINK_MEMORY_STALL = 'COLLECTOR_MEMORY_STALL';

/** What Debezium's own log line says: its estimate and the limit it compared it with. */
export interface SinkRefusal {
  /** e.g. `412.31 MB`, as Debezium prints it. */
  readonly estimated: string;
  readonly maxmemory: string;
  /** The estimate in bytes (to 2 decimals of its unit). */
  readonly estimatedBytes: number;
}

/** The line Debezium logs (INFO, RedisMemoryThreshold) each time it refuses a batch. */
const REFUSAL =
  /Sink memory threshold percentage was reached\. Will retry; \(estimated used memory size: ([\d.]+ [KMG]?B), maxmemory: ([\d.]+ [KMG]?B)\)/;

const UNITS: Readonly<Record<string, number>> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

function bytesOf(size: string): number {
  const [value, unit] = size.split(' ');
  return Math.round(Number(value) * (UNITS[unit ?? 'B'] ?? 1));
}

/** The last refusal among `lines` of Debezium's log (plain text or JSON records). */
export function lastSinkRefusal(lines: readonly string[]): SinkRefusal | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const match = REFUSAL.exec(lines[i] ?? '');
    if (match?.[1] === undefined || match[2] === undefined) continue;
    return { estimated: match[1], maxmemory: match[2], estimatedBytes: bytesOf(match[1]) };
  }
  return undefined;
}

export interface SinkStallInput {
  readonly collectorRunning: boolean;
  /** Every change stream read and acknowledged (or none exists yet). */
  readonly processorIdle: boolean;
  /** INFO memory of the RDI database. */
  readonly usedMemory: number;
  readonly maxMemory: number;
  /** The largest recent entry of the change streams as the sink measures it; none yet: undefined. */
  readonly entryBytes: number | undefined;
  readonly fillRate: number;
  /** Debezium logged a refusal since the previous observation (local collector only). */
  readonly refusal: SinkRefusal | undefined;
}

/** The sink's own rule, for an entry of `entryBytes`: would it refuse to write it? */
export function sinkWouldRefuse(
  input: Pick<SinkStallInput, 'usedMemory' | 'maxMemory' | 'fillRate'>,
  entryBytes: number,
): boolean {
  if (input.maxMemory <= 0) return false;
  return input.usedMemory + entryBytes * input.fillRate >= input.maxMemory;
}

/**
 * The `maxmemory` the RDI database needs so that the sink writes entries of `entryBytes` while
 * `usedMemory` is in use: the sink's rule plus a quarter for the entries themselves, in MB.
 */
export function neededMaxMemoryMb(
  usedMemory: number,
  entryBytes: number,
  fillRate: number,
): number {
  return Math.ceil(((usedMemory + entryBytes * fillRate) * 1.25) / 1024 ** 2);
}

function mb(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

/**
 * The status error while the sink holds back and the processor has nothing left to read;
 * undefined otherwise (a processor still reading frees memory: that is ordinary backpressure).
 * Evidence is Debezium's own log line when the operator can read it, else the sink's rule
 * applied to the measured entry size.
 */
export function sinkStallError(input: SinkStallInput): StatusError | undefined {
  if (!input.collectorRunning || !input.processorIdle || input.maxMemory <= 0) return undefined;
  const byRule =
    input.entryBytes !== undefined && sinkWouldRefuse(input, input.entryBytes)
      ? input.entryBytes
      : undefined;
  if (input.refusal === undefined && byRule === undefined) return undefined;
  const used = input.usedMemory;
  const what =
    input.refusal === undefined
      ? "Debezium's Redis sink refuses to write entries of this size"
      : "Debezium's Redis sink is holding changes back";
  const parts = [`${what}: the RDI database uses ${mb(used)} of maxmemory ${mb(input.maxMemory)}`];
  if (input.entryBytes !== undefined) {
    parts.push(
      `and the sink reserves ${input.fillRate.toLocaleString('en-US')} × the entry size (${input.entryBytes.toLocaleString('en-US')} B) = ${mb(input.entryBytes * input.fillRate)} before each batch`,
    );
  }
  if (input.refusal !== undefined) {
    parts.push(
      `(Debezium: estimated ${input.refusal.estimated} ≥ maxmemory ${input.refusal.maxmemory})`,
    );
  }
  const needed =
    input.entryBytes !== undefined
      ? neededMaxMemoryMb(used, input.entryBytes, input.fillRate)
      : Math.ceil(((input.refusal?.estimatedBytes ?? 0) * 1.25) / 1024 ** 2);
  return {
    code: SINK_MEMORY_STALL,
    message: `${parts.join(' ')}; the processor has nothing left to read, so nothing will free memory and capture is stalled.`,
    remediation: `raise the RDI database's maxmemory to at least ${needed} MB (CONFIG SET maxmemory ${needed}mb, and in its configuration file), or make entries smaller (fewer or narrower captured columns), or lower sources.<source>.advanced.sink "redis.buffer.fill.rate" (default ${SINK_BUFFER_FILL_RATE.toLocaleString('en-US')})`,
  };
}
