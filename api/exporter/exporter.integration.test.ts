// The exporter against a real Redis and a real Prometheus: statistics written the way the
// processor and operator write them are scraped by Prometheus from the exporter's /metrics
// and read back through Prometheus' query API.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis } from '../../harness/redis.ts';
import { startServerProcess } from '../../harness/server-process.ts';
import { useTestContext } from '../../harness/test-context.ts';
import { waitFor } from '../../harness/wait-for.ts';
import {
  BACKPRESSURE_KEY,
  dlqKey,
  LEADER_LEASE_KEY,
  PROCESSOR_STATS_KEY,
  pipelineKey,
  pipelineStatusKey,
  statsKey,
} from '../../pipeline/redis-keys.ts';
import { systemClock, type Logger } from '../../processor/ports.ts';
import { freePort } from '../../common/free-port.ts';
import { readSnapshot } from './exporter-snapshot.ts';
import { listenMetrics, type MetricsServer } from './metrics-server.ts';
import { registerRdiMetrics } from './rdi-metrics.ts';
import { cachedSnapshot } from './snapshot-cache.ts';

const ctx = useTestContext();
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const STREAM = 'data:pg.public.people';
let rdi: Redis;
let server: MetricsServer;
let prometheusUrl: string;

beforeAll(async () => {
  const redis = await startRedis({ dir: join(ctx.dir, 'rdi'), registry: ctx.registry });
  rdi = new Redis(redis.url);
  await rdi.hset(pipelineKey('default'), {
    config: 'sources:\n  pg:\n    type: cdc\n',
    revision: 1,
  });
  await rdi.xadd(STREAM, '*', 'key', 'k', 'value', 'v');
  await rdi.xgroup('CREATE', STREAM, 'sluice:processor', '$');
  await rdi.hset(statsKey(STREAM), { total: 42, inserted: 30, updated: 10, deleted: 2 });
  await rdi.hset(statsKey(STREAM), { last_latency_ms: 17 });
  await rdi.hset(PROCESSOR_STATS_KEY, {
    batches: 5,
    records: 42,
    read_time_ms: 1.5,
    transform_time_ms: 2.5,
    write_time_ms: 4,
    ack_time_ms: 1,
    last_batch_size: 7,
    rss_bytes: 123_456_789,
    heap_used_bytes: 45_678_901,
    resources_at: Date.now() + 600_000,
    consumer: 'op-a-e3',
  });
  await rdi.xadd(dlqKey(STREAM), '*', 'entry_id', '1-0', 'reason', 'bad');
  await rdi.hset(pipelineStatusKey('default'), {
    phase: 'cdc',
    updated_at: Date.now(),
    components: JSON.stringify([
      { name: 'debezium', type: 'collector', state: 'paused', restarts: 1 },
      { name: 'processor', type: 'processor', state: 'running', restarts: 3, pid: 42 },
    ]),
    snapshot: JSON.stringify({
      completed: true,
      captured: true,
      tables_total: 2,
      tables_completed: 2,
      rows_scanned: 1500,
    }),
  });
  await rdi.hset(LEADER_LEASE_KEY, {
    holder: 'op-a',
    epoch: 3,
    expires_at: Date.now() + 600_000,
  });
  await rdi.hset(BACKPRESSURE_KEY, { reason: 'backlog above high-water mark', since: 1 });

  const registry = new Registry();
  const read = cachedSnapshot({
    read: () =>
      readSnapshot({
        rdi,
        pipeline: 'default',
        clock: systemClock,
        debeziumMetricsUrl: undefined,
      }),
    clock: systemClock,
    logger: quiet,
    maxAgeMs: 200,
  });
  registerRdiMetrics({ registry, read, pipeline: 'default', operatorId: 'op-a' });
  server = await listenMetrics({ registry, host: '127.0.0.1', port: 0, logger: quiet });

  const port = await freePort();
  const dir = join(ctx.dir, 'prometheus');
  const configFile = join(ctx.dir, 'prometheus.yml');
  await writeFile(
    configFile,
    [
      'global:',
      '  scrape_interval: 1s',
      'scrape_configs:',
      '  - job_name: sluice',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${server.port}']`,
      '',
    ].join('\n'),
  );
  prometheusUrl = `http://127.0.0.1:${port}`;
  await startServerProcess({
    registry: ctx.registry,
    spawn: {
      name: 'prometheus',
      command: '/usr/bin/prometheus',
      args: [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${dir}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      logFile: join(ctx.dir, 'prometheus.log'),
    },
    isReady: async () => (await fetch(`${prometheusUrl}/-/ready`)).ok,
  });
});

afterAll(async () => {
  await server.close();
  await rdi.quit();
});

async function queryValue(expression: string): Promise<number | undefined> {
  const url = `${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expression)}`;
  const body = (await (await fetch(url)).json()) as {
    data?: { result?: { value?: [number, string] }[] };
  };
  const value = body.data?.result?.[0]?.value?.[1];
  return value === undefined ? undefined : Number(value);
}

describe('exporter', () => {
  it('serves RDI-named metrics that Prometheus scrapes and answers queries about', async () => {
    const inserted = await waitFor(
      'Prometheus to have scraped the exporter',
      () => queryValue('rdi_incoming_entries{data_source="pg.public.people",operation="inserted"}'),
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(inserted).toBe(30);
    expect(await queryValue('processed_records_total')).toBe(42);
    expect(await queryValue('rdi_processed_batches_total')).toBe(5);
    expect(await queryValue('rdi_processor_total_time_ms_total')).toBe(9);
    expect(await queryValue('rdi_stream_event_latency_ms{data_source="pg.public.people"}')).toBe(
      17,
    );
    expect(await queryValue('rdi_operator_is_leader{operator="op-a"}')).toBe(1);
    expect(await queryValue('rdi_engine_state{state="RUNNING",sync_mode="STREAMING"}')).toBe(1);
    expect(await queryValue('rdi_operator_pipeline_phase{phase="cdc"}')).toBe(1);
    expect(await queryValue('sluice_backpressure_active')).toBe(1);
    expect(await queryValue('sluice_exporter_rdi_up')).toBe(1);
  });

  it('serves what RDI has no name for: DLQ sizes, components, snapshot progress, memory', async () => {
    expect(await queryValue('sluice_dlq_entries{data_source="pg.public.people"}')).toBe(1);
    expect(await queryValue('sluice_component_restarts_total{type="processor"}')).toBe(3);
    expect(await queryValue('sluice_component_up{type="processor"}')).toBe(1);
    expect(await queryValue('sluice_component_up{type="collector"}')).toBe(0);
    expect(await queryValue('sluice_component_state{type="collector",state="paused"}')).toBe(1);
    expect(await queryValue('sluice_component_state{type="collector",state="running"}')).toBe(0);
    expect(await queryValue('sluice_snapshot_completed')).toBe(1);
    expect(await queryValue('sluice_snapshot_tables_total')).toBe(2);
    expect(await queryValue('sluice_snapshot_rows_scanned')).toBe(1500);
    expect(await queryValue('sluice_processor_resident_memory_bytes{consumer="op-a-e3"}')).toBe(
      123_456_789,
    );
    expect(await queryValue('sluice_processor_heap_used_bytes')).toBe(45_678_901);
    expect(
      await queryValue('sluice_operator_status_age_seconds{pipeline="default"}'),
    ).toBeGreaterThanOrEqual(0);
  });

  it('reads the RDI database at each scrape', async () => {
    await rdi.hincrby(statsKey(STREAM), 'inserted', 5);
    await rdi.del(BACKPRESSURE_KEY);
    // A processor that stopped reporting its memory has no memory series.
    await rdi.hset(PROCESSOR_STATS_KEY, 'resources_at', Date.now() - 600_000);
    await waitFor(
      'the new counts in Prometheus',
      async () =>
        (await queryValue(
          'rdi_incoming_entries{data_source="pg.public.people",operation="inserted"}',
        )) === 35 &&
        (await queryValue('sluice_backpressure_active')) === 0 &&
        (await queryValue('sluice_processor_resident_memory_bytes')) === undefined,
      { timeoutMs: 30_000, intervalMs: 500 },
    );
  });
});
