// The entry format of a capture: a short hash of the Debezium properties the capture renders
// (with placeholder hosts, ports and credentials), so that a change to the rendering (schemas
// on/off, the `__sluice_types` transform, converters) names a new cache file instead of reusing
// entries written in an older format.
import { createHash } from 'node:crypto';
import { renderDebeziumProperties } from '../debezium-config/render-properties.ts';
import { pipelineConfigText } from '../harness/pipeline.ts';
import { parsePipelineConfig, type PipelineConfig } from '../pipeline/load-config.ts';
import { BENCH_TABLES } from './bench-tables.ts';

export const BENCH_SOURCE = 'bench';

export interface RdiEndpoint {
  readonly host: string;
  readonly port: number;
}

/** The benchmark's pipeline config, as the capture renders it (connection values from `env`). */
export function benchPipelineConfig(database: string, env: Record<string, string>): PipelineConfig {
  const text = pipelineConfigText('postgresql', {
    sourceName: BENCH_SOURCE,
    database,
    tables: BENCH_TABLES.map((t) => t.name),
  });
  return parsePipelineConfig(text, 'bench/config.yaml', env);
}

const PLACEHOLDER_ENV = {
  SOURCE_DB_HOST: 'source',
  SOURCE_DB_PORT: '5432',
  SOURCE_DB_USERNAME: 'user',
  SOURCE_DB_PASSWORD: 'password',
  TARGET_DB_HOST: 'target',
  TARGET_DB_PORT: '6379',
};

/** Properties that change when and how many entries are written, never what an entry holds. */
const TIMING_KEYS = [
  'debezium.source.poll.interval.ms',
  'debezium.source.max.batch.size',
  'debezium.source.max.queue.size',
  'debezium.sink.redis.batch.size',
];

/** 12 hex digits naming the entry format the current rendering produces (timing left out). */
export function entryFormatKey(): string {
  const config = benchPipelineConfig('bench', PLACEHOLDER_ENV);
  const rendered = renderDebeziumProperties(config, BENCH_SOURCE, { host: 'rdi', port: 6379 });
  const formatLines = rendered.properties
    .split('\n')
    .filter((line) => !TIMING_KEYS.some((key) => line.startsWith(`${key}=`)));
  return createHash('sha256').update(formatLines.join('\n')).digest('hex').slice(0, 12);
}
