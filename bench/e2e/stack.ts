// The real stack of the end-to-end benchmarks: a PostgreSQL source holding the benchmark's
// tables (rows of ~1 KB, bench/bench-tables.ts), fresh RDI and target Redis servers per
// measurement, Debezium Server with the properties the operator renders from config.yaml (plus
// the overrides a tuning run measures) and the real processor process, all via the harness.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { renderDebeziumProperties } from '../../debezium-config/render-properties.ts';
import type { DebeziumProcess } from '../../debezium-config/launch.ts';
import { startHarnessDebezium } from '../../harness/debezium.ts';
import { pipelineConfigText } from '../../harness/pipeline.ts';
import { startPostgres, type PostgresInstance } from '../../harness/postgres.ts';
import type { ProcessRegistry } from '../../harness/process-registry.ts';
import { startProcessorProcess } from '../../harness/processor-process.ts';
import { startRedis, type RedisInstance } from '../../harness/redis.ts';
import type { ServerProcess } from '../../harness/server-process.ts';
import { waitFor } from '../../harness/wait-for.ts';
import { parsePipelineConfig } from '../../pipeline/load-config.ts';
import { streamKey } from '../../pipeline/redis-keys.ts';
import { BENCH_TABLES, type BenchTable } from '../bench-tables.ts';

/** What a run changes on top of the product defaults (the tuning knobs of issue 13 item 3). */
export interface Overrides {
  /** Full Debezium property names → values, e.g. `debezium.sink.redis.batch.size` → `2000`. */
  readonly debezium: Readonly<Record<string, string>>;
  /** `processors:` settings of config.yaml, e.g. `read_batch_size` → `5000`. */
  readonly processor: Readonly<Record<string, string>>;
}

export const NO_OVERRIDES: Overrides = { debezium: {}, processor: {} };

/** Skips the initial snapshot: the CDC benchmarks measure changes made once streaming. */
export const STREAMING_ONLY: Readonly<Record<string, string>> = {
  'debezium.source.snapshot.mode': 'no_data',
};

export function benchTables(count: number): readonly BenchTable[] {
  if (!Number.isInteger(count) || count < 1 || count > BENCH_TABLES.length) {
    throw new Error(`--tables must be 1..${BENCH_TABLES.length}, got ${count}`);
  }
  return BENCH_TABLES.slice(0, count);
}

export async function startSource(
  dir: string,
  registry: ProcessRegistry,
  tables: readonly BenchTable[],
): Promise<PostgresInstance> {
  const pg = await startPostgres({ dir: join(dir, 'postgresql'), registry });
  await pg.query(tables.map((t) => t.ddl).join(';\n'));
  return pg;
}

/** Inserts ids from..to of each table in statements of 20,000 rows. */
export async function insertRows(
  pg: PostgresInstance,
  tables: readonly BenchTable[],
  from: number,
  to: number,
): Promise<void> {
  const chunk = 20_000;
  for (let start = from; start <= to; start += chunk) {
    const end = Math.min(to, start + chunk - 1);
    await pg.query(tables.map((t) => t.insert(start, end)).join(';\n'));
  }
}

export interface RedisPair {
  readonly rdi: RedisInstance;
  readonly target: RedisInstance;
  readonly rdiClient: Redis;
  readonly targetClient: Redis;
}

/**
 * The RDI database as production runs it (AOF, noeviction) with room for a million buffered
 * entries, and a plain target. `rdb` seeds the RDI database from a saved dump.rdb.
 */
export async function startRedisPair(dir: string, registry: ProcessRegistry): Promise<RedisPair> {
  const [rdi, target] = await Promise.all([
    startRedis({
      dir: join(dir, 'rdi-redis'),
      registry,
      appendonly: true,
      maxmemory: '12gb',
      policy: 'noeviction',
    }),
    startRedis({ dir: join(dir, 'target-redis'), registry }),
  ]);
  return { rdi, target, rdiClient: new Redis(rdi.url), targetClient: new Redis(target.url) };
}

export async function closePair(pair: RedisPair): Promise<void> {
  await Promise.all([pair.rdiClient.quit(), pair.targetClient.quit()]);
}

export interface RenderedPipeline {
  readonly configFile: string;
  readonly properties: string;
  readonly debeziumEnv: Readonly<Record<string, string>>;
  readonly processorEnv: Readonly<Record<string, string>>;
  readonly streams: readonly string[];
}

/**
 * Writes config.yaml for `sourceName` and renders Debezium's properties with the real renderer,
 * then applies the overrides. The processor section keeps the product defaults (the harness's
 * short test read timeout is removed) unless overridden.
 */
export async function renderPipeline(opts: {
  readonly dir: string;
  readonly pg: PostgresInstance;
  readonly pair: RedisPair;
  readonly sourceName: string;
  readonly tables: readonly BenchTable[];
  readonly overrides: Overrides;
}): Promise<RenderedPipeline> {
  const { pg, pair, sourceName } = opts;
  const base = pipelineConfigText('postgresql', {
    sourceName,
    database: pg.database,
    tables: opts.tables.map((t) => t.name),
  });
  const text = withProcessorSettings(base, opts.overrides.processor);
  // A folder of its own: the processor reads every other YAML file beside config.yaml as a job.
  const configFile = join(opts.dir, `${sourceName}-pipeline`, 'config.yaml');
  await mkdir(dirname(configFile), { recursive: true });
  await writeFile(configFile, text);
  const processorEnv = {
    SOURCE_DB_HOST: pg.host,
    SOURCE_DB_PORT: String(pg.port),
    SOURCE_DB_USERNAME: pg.user,
    SOURCE_DB_PASSWORD: pg.password,
    TARGET_DB_HOST: pair.target.host,
    TARGET_DB_PORT: String(pair.target.port),
  };
  const config = parsePipelineConfig(text, configFile, processorEnv);
  const rendered = renderDebeziumProperties(config, sourceName, {
    host: pair.rdi.host,
    port: pair.rdi.port,
  });
  return {
    configFile,
    properties: withProperties(rendered.properties, opts.overrides.debezium),
    debeziumEnv: rendered.env,
    processorEnv,
    streams: opts.tables.map((t) => streamKey(sourceName, 'public', t.name)),
  };
}

/** Replaces the `processors:` lines named in `settings` (or adds them); drops the test timeout. */
export function withProcessorSettings(
  configText: string,
  settings: Readonly<Record<string, string>>,
): string {
  const lines = configText
    .split('\n')
    .filter((line) => !/^ {2}read_batch_timeout_ms: 50$/.test(line))
    .filter((line) => !Object.keys(settings).some((key) => line.startsWith(`  ${key}:`)));
  const at = lines.indexOf('processors:');
  if (at < 0) throw new Error('config.yaml has no processors: section');
  const added = Object.entries(settings).map(([key, value]) => `  ${key}: ${value}`);
  return [...lines.slice(0, at + 1), ...added, ...lines.slice(at + 1)].join('\n');
}

/** Replaces the named properties' lines (or appends them). Values are written as given. */
export function withProperties(
  properties: string,
  overrides: Readonly<Record<string, string>>,
): string {
  const keys = Object.keys(overrides);
  const kept = properties
    .trimEnd()
    .split('\n')
    .filter((line) => !keys.some((key) => line.startsWith(`${key}=`)));
  return [...kept, ...Object.entries(overrides).map(([k, v]) => `${k}=${v}`), ''].join('\n');
}

export function startCollector(
  pipeline: RenderedPipeline,
  dir: string,
  registry: ProcessRegistry,
): Promise<DebeziumProcess> {
  return startHarnessDebezium({
    dir,
    registry,
    properties: pipeline.properties,
    env: pipeline.debeziumEnv,
    // The operator's default heap (api/operator-main.ts --debezium-heap).
    heap: '512m',
    healthyTimeoutMs: 300_000,
  });
}

export function startProcessor(
  pipeline: RenderedPipeline,
  dir: string,
  registry: ProcessRegistry,
  rdiUrl: string,
): Promise<ServerProcess> {
  return startProcessorProcess({
    dir,
    registry,
    configFile: pipeline.configFile,
    rdiUrl,
    env: pipeline.processorEnv,
  });
}

/** Resolves once Debezium's replication slot is active: changes committed now are captured. */
export async function waitUntilStreaming(pg: PostgresInstance, sourceName: string): Promise<void> {
  await waitFor(
    `replication slot of ${sourceName} active`,
    async () => {
      const rows = await pg.query(
        `SELECT active FROM pg_replication_slots WHERE slot_name = 'sluice_${sourceName}'`,
      );
      return rows[0]?.[0] === 't';
    },
    { timeoutMs: 300_000, intervalMs: 200 },
  );
}

/** Drops the slot and publication of a stopped collector, so PostgreSQL keeps no WAL for it. */
export async function dropCapture(pg: PostgresInstance, sourceName: string): Promise<void> {
  await pg.query(
    `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'sluice_${sourceName}' AND NOT active;
     DROP PUBLICATION IF EXISTS sluice_${sourceName}`,
  );
}

/**
 * Debezium streaming only (no snapshot), with the processor first when `withProcessor`;
 * resolves once changes committed from now on are captured.
 */
export async function startStreamingPipeline(opts: {
  readonly dir: string;
  readonly registry: ProcessRegistry;
  readonly pg: PostgresInstance;
  readonly pair: RedisPair;
  readonly sourceName: string;
  readonly tables: readonly BenchTable[];
  readonly overrides: Overrides;
  readonly withProcessor: boolean;
}): Promise<RenderedPipeline> {
  const pipeline = await renderPipeline({
    ...opts,
    overrides: {
      debezium: { ...STREAMING_ONLY, ...opts.overrides.debezium },
      processor: opts.overrides.processor,
    },
  });
  if (opts.withProcessor)
    await startProcessor(pipeline, opts.dir, opts.registry, opts.pair.rdi.url);
  await startCollector(pipeline, join(opts.dir, `${opts.sourceName}-debezium`), opts.registry);
  await waitUntilStreaming(opts.pg, opts.sourceName);
  return pipeline;
}

export interface Measurement {
  readonly dir: string;
  readonly sourceName: string;
  readonly pair: RedisPair;
}

/**
 * Runs one measurement `label` on fresh RDI and target Redis servers in its own folder, then
 * stops every process it started and drops its replication slot, even when it failed.
 */
export async function withFreshServers<T>(
  ws: { readonly dir: string; readonly registry: ProcessRegistry },
  pg: PostgresInstance,
  label: string,
  measure: (m: Measurement) => Promise<T>,
): Promise<T> {
  const dir = join(ws.dir, label);
  const sourceName = `bench_${label}`;
  const mark = ws.registry.size;
  const pair = await startRedisPair(dir, ws.registry);
  try {
    return await measure({ dir, sourceName, pair });
  } finally {
    await closePair(pair);
    await ws.registry.stopFrom(mark);
    await dropCapture(pg, sourceName);
  }
}
