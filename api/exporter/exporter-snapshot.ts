// What one scrape of the exporter reads from the RDI database, in as few round trips as the
// data allows: per-stream statistics, processor counters, lease, operator status (phase,
// components, snapshot record), backpressure, and Debezium's metrics from the collector's JMX
// exporter agent.

import type { Redis } from 'ioredis';
import {
  LEADER_LEASE_KEY,
  PROCESSOR_STATS_KEY,
  pipelineKey,
  pipelineStatusKey,
  statsKey,
} from '../../pipeline/redis-keys.ts';
import type { ProcessorStats } from '../../pipeline/records/processor-stats.ts';
import { decodeProcessorStats } from '../../pipeline/records/processor-stats.ts';
import { decodeStreamStats } from '../../pipeline/records/stream-stats.ts';
import type { Clock } from '../../processor/ports.ts';
import type { StreamStatistics } from '../schemas/status.ts';
import { readBackpressure, type Backpressure } from '../status/backpressure.ts';
import { pipelineStreams, sourceNames } from '../status/pipeline-streams.ts';
import { streamStatistics } from '../status/stream-statistics.ts';
import { scrapeMetrics, type Sample } from './prometheus-text.ts';

export interface StreamSnapshot extends StreamStatistics {
  readonly lastLatencyMs: number | undefined;
}

/** One child of the operator as its status reports it. */
export interface ComponentSnapshot {
  readonly name: string;
  readonly type: string;
  readonly state: string;
  readonly restarts: number;
}

/** The operator's record of the snapshot (initial sync); numbers absent until known. */
export interface SnapshotProgress {
  readonly completed: boolean;
  readonly tablesTotal: number | undefined;
  readonly tablesCompleted: number | undefined;
  readonly rowsScanned: number | undefined;
}

export interface ExporterSnapshot {
  readonly streams: readonly StreamSnapshot[];
  readonly processor: ProcessorStats;
  readonly lease: { readonly holder: string; readonly epoch: number } | undefined;
  /** The operator's reported phase; `not_running` when nothing reported. */
  readonly phase: string;
  /** The operator's children; empty when nothing reported. */
  readonly components: readonly ComponentSnapshot[];
  readonly snapshot: SnapshotProgress | undefined;
  /** Codes of the status' `errors`; undefined when the operator reported no status. */
  readonly errorCodes: readonly string[] | undefined;
  /** When the operator last wrote its status (ms since the epoch). */
  readonly statusUpdatedAt: number | undefined;
  /** The time of this read (ms since the epoch), for ages. */
  readonly readAt: number;
  readonly backpressure: Backpressure;
  /** Undefined when no collector metrics endpoint is known or it did not answer. */
  readonly debezium: readonly Sample[] | undefined;
}

export interface SnapshotSource {
  readonly rdi: Redis;
  readonly pipeline: string;
  readonly clock: Clock;
  /** Debezium's metrics URL; by default the one the operator reports in the status. */
  readonly debeziumMetricsUrl: string | undefined;
}

export async function readSnapshot(source: SnapshotSource): Promise<ExporterSnapshot> {
  const { rdi, pipeline } = source;
  const [config, processor, lease, status, backpressure] = await Promise.all([
    rdi.hget(pipelineKey(pipeline), 'config'),
    rdi.hgetall(PROCESSOR_STATS_KEY).then(decodeProcessorStats),
    rdi.hgetall(LEADER_LEASE_KEY),
    rdi.hgetall(pipelineStatusKey(pipeline)),
    readBackpressure(rdi),
  ]);
  const names = await pipelineStreams(rdi, sourceNames(config ?? ''));
  const statistics = await streamStatistics(rdi, names);
  const latencies = names.length === 0 ? [] : ((await latencyPipeline(rdi, names)) ?? []);
  const metricsUrl = source.debeziumMetricsUrl ?? status.metrics_url;
  const leaseValid =
    lease.holder !== undefined && Number(lease.expires_at ?? 0) > source.clock.now();
  return {
    streams: statistics.map((s, i) => ({ ...s, lastLatencyMs: latencies[i] })),
    processor,
    lease: leaseValid ? { holder: lease.holder ?? '', epoch: Number(lease.epoch ?? 0) } : undefined,
    phase: status.phase ?? 'not_running',
    components: parseComponents(status.components),
    snapshot: parseSnapshot(status.snapshot),
    errorCodes: status.errors === undefined ? undefined : parseErrorCodes(status.errors),
    statusUpdatedAt: status.updated_at === undefined ? undefined : Number(status.updated_at),
    readAt: source.clock.now(),
    backpressure,
    debezium: metricsUrl === undefined ? undefined : await scrapeMetrics(metricsUrl),
  };
}

async function latencyPipeline(
  rdi: Redis,
  streams: readonly string[],
): Promise<(number | undefined)[] | undefined> {
  const batch = rdi.pipeline();
  for (const stream of streams) batch.hget(statsKey(stream), 'last_latency_ms');
  const replies = await batch.exec();
  return replies?.map(([error, value], i) =>
    error === null && typeof value === 'string'
      ? decodeStreamStats(streams[i] ?? '', { last_latency_ms: value }).last_latency_ms
      : undefined,
  );
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function parseComponents(text: string | undefined): ComponentSnapshot[] {
  const value = parseJson(text);
  if (!Array.isArray(value)) return [];
  const components: ComponentSnapshot[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const c = item as Record<string, unknown>;
    if (typeof c.name !== 'string' || typeof c.type !== 'string') continue;
    components.push({
      name: c.name,
      type: c.type,
      state: typeof c.state === 'string' ? c.state : 'unknown',
      restarts: typeof c.restarts === 'number' ? c.restarts : 0,
    });
  }
  return components;
}

function parseErrorCodes(text: string): string[] {
  const value = parseJson(text);
  if (!Array.isArray(value)) return [];
  return (value as unknown[]).flatMap((item) =>
    typeof item === 'object' &&
    item !== null &&
    typeof (item as { code?: unknown }).code === 'string'
      ? [(item as { code: string }).code]
      : [],
  );
}

function parseSnapshot(text: string | undefined): SnapshotProgress | undefined {
  const value = parseJson(text);
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const count = (field: string): number | undefined =>
    typeof record[field] === 'number' ? record[field] : undefined;
  return {
    completed: record.completed === true,
    tablesTotal: count('tables_total'),
    tablesCompleted: count('tables_completed'),
    rowsScanned: count('rows_scanned'),
  };
}
