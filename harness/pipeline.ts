// Runs a whole pipeline on a started stack, exactly as a user would: writes config.yaml,
// loads it with the real loader, renders Debezium Server's properties with the real renderer,
// then starts Debezium Server and the processor process. Used by e2e tests and the demo.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DebeziumProcess } from '../debezium-config/launch.ts';
import { renderDebeziumProperties } from '../debezium-config/render-properties.ts';
import { parsePipelineConfig, type PipelineConfig } from '../pipeline/load-config.ts';
import { startProcessorProcess } from './processor-process.ts';
import type { ProcessRegistry } from './process-registry.ts';
import type { ServerProcess } from './server-process.ts';
import type { SourceKind, Stack } from './stack.ts';

export interface PipelineOptions<S extends SourceKind> {
  readonly stack: Stack<S>;
  readonly dir: string;
  readonly registry: ProcessRegistry;
  /** Name of the source in config.yaml (becomes the Debezium topic prefix). */
  readonly sourceName: string;
  /** Tables to capture, as config.yaml's `tables` keys. */
  readonly tables: readonly string[];
  /** Extra lines for the `processors:` section, e.g. `read_batch_size: 50`. */
  readonly processorSettings?: readonly string[];
  /** Job files to write into `jobs/`: file name → YAML text. */
  readonly jobs?: Readonly<Record<string, string>>;
  /** Settings under a table of `tables`, e.g. `{ big: ['snapshot_sql: SELECT …'] }`. */
  readonly tableSettings?: Readonly<Record<string, readonly string[]>>;
  /** `advanced.source` of the source: Debezium source properties without their prefix. */
  readonly advancedSource?: Readonly<Record<string, string>>;
  /** More lines under the source's `connection:`, e.g. `cacert: ${SOURCE_DB_CACERT}`. */
  readonly connectionSettings?: readonly string[];
  /** Values of `${NAME}` references, over the stack's (e.g. another SOURCE_DB_USERNAME). */
  readonly secrets?: Readonly<Record<string, string>>;
  /** `advanced.sink` of the source: Debezium Redis sink properties without their prefix. */
  readonly advancedSink?: Readonly<Record<string, string>>;
}

export interface RunningPipeline {
  readonly config: PipelineConfig;
  readonly configFile: string;
  readonly env: Readonly<Record<string, string>>;
  readonly debezium: DebeziumProcess;
  readonly processor: ServerProcess;
  /** Starts another Debezium Server with the same properties (after the first was killed). */
  startCollector(): Promise<DebeziumProcess>;
}

/** config.yaml in RDI's format; credentials stay `${...}` references, as RDI secrets. */
export function pipelineConfigText(
  kind: SourceKind,
  opts: {
    sourceName: string;
    database: string;
    tables: readonly string[];
    processorSettings?: readonly string[];
    tableSettings?: Readonly<Record<string, readonly string[]>>;
    advancedSource?: Readonly<Record<string, string>>;
    advancedSink?: Readonly<Record<string, string>>;
    connectionSettings?: readonly string[];
  },
): string {
  const advanced = Object.entries(opts.advancedSource ?? {});
  const sink = Object.entries(opts.advancedSink ?? {});
  const section = (name: string, values: [string, string][]) =>
    values.length === 0
      ? []
      : [
          `      ${name}:`,
          ...values.map(([key, value]) => `        ${key}: ${JSON.stringify(value)}`),
        ];
  const scope =
    kind === 'postgresql'
      ? ['    schemas:', '      - public']
      : ['    databases:', `      - ${opts.database}`];
  return [
    'sources:',
    `  ${opts.sourceName}:`,
    '    type: cdc',
    '    connection:',
    `      type: ${kind}`,
    '      host: ${SOURCE_DB_HOST}',
    '      port: ${SOURCE_DB_PORT}',
    `      database: ${opts.database}`,
    '      user: ${SOURCE_DB_USERNAME}',
    '      password: ${SOURCE_DB_PASSWORD}',
    ...(opts.connectionSettings ?? []).map((line) => `      ${line}`),
    ...scope,
    '    tables:',
    ...opts.tables.flatMap((t) => [
      `      ${t}:`,
      ...(opts.tableSettings?.[t] ?? []).map((line) => `        ${line}`),
    ]),
    ...(advanced.length + sink.length === 0
      ? []
      : ['    advanced:', ...section('source', advanced), ...section('sink', sink)]),
    'targets:',
    '  target:',
    '    connection:',
    '      type: redis',
    '      host: ${TARGET_DB_HOST}',
    '      port: ${TARGET_DB_PORT}',
    'processors:',
    '  read_batch_timeout_ms: 50',
    ...(opts.processorSettings ?? []).map((line) => `  ${line}`),
    '',
  ].join('\n');
}

export async function startPipeline<S extends SourceKind>(
  opts: PipelineOptions<S>,
): Promise<RunningPipeline> {
  const { stack } = opts;
  await mkdir(opts.dir, { recursive: true });
  const configFile = join(opts.dir, 'config.yaml');
  const text = pipelineConfigText(stack.source.kind, {
    sourceName: opts.sourceName,
    database: stack.source.database,
    tables: opts.tables,
    ...(opts.processorSettings === undefined ? {} : { processorSettings: opts.processorSettings }),
    ...(opts.tableSettings === undefined ? {} : { tableSettings: opts.tableSettings }),
    ...(opts.advancedSource === undefined ? {} : { advancedSource: opts.advancedSource }),
    ...(opts.advancedSink === undefined ? {} : { advancedSink: opts.advancedSink }),
    ...(opts.connectionSettings === undefined
      ? {}
      : { connectionSettings: opts.connectionSettings }),
  });
  await writeFile(configFile, text);
  if (opts.jobs !== undefined) {
    await mkdir(join(opts.dir, 'jobs'), { recursive: true });
    for (const [name, yaml] of Object.entries(opts.jobs)) {
      await writeFile(join(opts.dir, 'jobs', name), yaml);
    }
  }
  const env = {
    SOURCE_DB_HOST: stack.source.host,
    SOURCE_DB_PORT: String(stack.source.port),
    SOURCE_DB_USERNAME: stack.source.user,
    SOURCE_DB_PASSWORD: stack.source.password,
    TARGET_DB_HOST: stack.target.host,
    TARGET_DB_PORT: String(stack.target.port),
    ...opts.secrets,
  };
  const config = parsePipelineConfig(text, configFile, env);
  const rendered = renderDebeziumProperties(config, opts.sourceName, {
    host: stack.rdi.host,
    port: stack.rdi.port,
  });
  const debezium = await stack.startDebezium(rendered.properties, rendered.env);
  const processor = await startProcessorProcess({
    dir: opts.dir,
    registry: opts.registry,
    configFile,
    rdiUrl: stack.rdi.url,
    env,
  });
  return {
    config,
    configFile,
    env,
    debezium,
    processor,
    startCollector: () => stack.startDebezium(rendered.properties, rendered.env),
  };
}
