// The one schema of RDI's `config.yaml`: it gives the TypeScript types, runtime validation with
// RDI's defaults, the unknown-key errors and the editor's JSON Schema (config.schema.json).
// Every mapping is closed (additionalProperties: false) so that a typo is an error, not a no-op.

import { Type, type StaticDecode } from '@sinclair/typebox';
import { BooleanSetting, Choice, IntegerSetting, Name, PortSetting } from './config-scalars.ts';

const closed = { additionalProperties: false } as const;

const LogLevel = Choice(['trace', 'debug', 'info', 'warn', 'error'], {
  description: 'Log level.',
  default: 'info',
});

const Logging = Type.Object(
  { level: LogLevel },
  { ...closed, default: {}, description: 'Logging settings.' },
);

const AdvancedValues = (description: string) =>
  Type.Optional(
    Type.Record(
      Type.String({ minLength: 1 }),
      Type.Union([Type.String(), Type.Number(), Type.Boolean()]),
      {
        description,
        errorMessage: 'must be a mapping of property names to scalar values',
      },
    ),
  );

export const SOURCE_DATABASE_TYPES = [
  'postgresql',
  'mysql',
  'mariadb',
  'oracle',
  'sqlserver',
  'mongodb',
  'spanner',
  'snowflake',
] as const;

/** Scalars of RDI's pass-through maps and of its Flink/RIOT-X settings. */
const AnyValues = (description: string) =>
  Type.Optional(
    Type.Record(Type.String({ minLength: 1 }), Type.Unknown(), {
      description,
      errorMessage: 'must be a mapping',
    }),
  );

const SourceConnection = Type.Object(
  {
    type: Choice(SOURCE_DATABASE_TYPES, { description: 'Kind of source database.' }),
    host: Type.Optional(Name('Host name or address of the source database.')),
    port: Type.Optional(PortSetting('TCP port of the source database.')),
    database: Type.Optional(
      Name('Database to connect to (PostgreSQL: required; MySQL/MariaDB: default of `databases`).'),
    ),
    user: Type.Optional(
      Type.String({ description: 'User name (usually `${SOURCE_DB_USERNAME}`).' }),
    ),
    password: Type.Optional(
      Type.String({ description: 'Password (usually `${SOURCE_DB_PASSWORD}`).' }),
    ),
    // Sluice: TLS to PostgreSQL, MySQL and MariaDB with RDI's secret names (docs/config.md).
    cacert: Type.Optional(
      Type.String({
        description:
          'CA certificate (PEM text, usually `${SOURCE_DB_CACERT}`, or the path of a PEM file) that verifies the server; turns TLS on.',
      }),
    ),
    cert: Type.Optional(
      Type.String({
        description: 'Client certificate (PEM, usually `${SOURCE_DB_CERT}`) for mTLS.',
      }),
    ),
    key: Type.Optional(
      Type.String({
        description: 'Client private key (PEM, usually `${SOURCE_DB_KEY}`) for mTLS.',
      }),
    ),
    key_password: Type.Optional(
      Type.String({ description: 'Password of the client key (`${SOURCE_DB_KEY_PASSWORD}`).' }),
    ),
    tls_mode: Type.Optional(
      Choice(['disable', 'require', 'verify-ca', 'verify-full'], {
        description:
          'TLS to the source: `verify-full` (default when a certificate is given: CA and host name checked), `verify-ca`, `require` (encrypted, unverified) or `disable`.',
      }),
    ),
    connection_string: Type.Optional(
      Type.String({ description: 'MongoDB connection string (instead of host and port).' }),
    ),
    // RDI's Spanner (Flink collector) and Snowflake (RIOT-X collector) connections: accepted,
    // not captured by Sluice (docs/config.md).
    project_id: Type.Optional(Type.String({ description: 'Spanner: Google Cloud project.' })),
    instance_id: Type.Optional(Type.String({ description: 'Spanner: instance.' })),
    database_id: Type.Optional(Type.String({ description: 'Spanner: database.' })),
    emulator_host: Type.Optional(Type.String({ description: 'Spanner: emulator host:port.' })),
    use_credentials_file: Type.Optional(
      BooleanSetting({ description: 'Spanner: use a service account file.' }),
    ),
    change_streams: AnyValues('Spanner: change streams to capture.'),
    url: Type.Optional(Type.String({ description: 'Snowflake: JDBC URL.' })),
    warehouse: Type.Optional(Type.String({ description: 'Snowflake: warehouse.' })),
    role: Type.Optional(Type.String({ description: 'Snowflake: role.' })),
    cdcDatabase: Type.Optional(Type.String({ description: 'Snowflake: database of the streams.' })),
    cdcSchema: Type.Optional(Type.String({ description: 'Snowflake: schema of the streams.' })),
  },
  { ...closed, description: 'How to reach the source database.' },
);

export const TableSchema = Type.Union(
  [
    Type.Null(),
    Type.Object(
      {
        columns: Type.Optional(
          Type.Array(Name('Column name.'), {
            description: 'Capture only these columns (key columns are always kept).',
          }),
        ),
        keys: Type.Optional(
          Type.Array(Name('Column name.'), {
            minItems: 1,
            description: 'Columns that identify a row, for tables without a primary key.',
          }),
        ),
        snapshot_sql: Type.Optional(
          Type.String({
            minLength: 1,
            description: 'SELECT statement that replaces the full-table read of the initial sync.',
          }),
        ),
        exclude_columns: Type.Optional(
          Type.Array(Name('Field name.'), {
            description: 'MongoDB: fields not to capture (→ field.exclude.list).',
          }),
        ),
      },
      closed,
    ),
  ],
  {
    description: 'A table to capture; leave empty to capture all its columns.',
    errorMessage: 'must be empty or a mapping with columns, exclude_columns, keys, snapshot_sql',
  },
);

const SourceAdvanced = Type.Object(
  {
    sink: AdvancedValues('Debezium Redis sink properties (`debezium.sink.redis.<key>`).'),
    source: AdvancedValues('Debezium connector properties (`debezium.source.<key>`).'),
    quarkus: AdvancedValues('Quarkus properties of Debezium Server (`quarkus.<key>`).'),
    java_options: Type.Optional(
      Type.String({ description: 'JVM options of Debezium Server (DEBEZIUM_OPTS).' }),
    ),
    resources: Type.Optional(
      Type.Object(
        {
          cpu: Type.Optional(Type.String({ description: 'CPU request, e.g. 500m.' })),
          memory: Type.Optional(Type.String({ description: 'Memory request, e.g. 1024Mi.' })),
        },
        { ...closed, description: 'RDI: compute resources of the collector container.' },
      ),
    ),
    flink: AnyValues('RDI Flink collector settings (accepted; Sluice runs no Flink).'),
    riotx: AnyValues('RDI RIOT-X collector settings (accepted; Sluice runs no RIOT-X).'),
  },
  { ...closed, description: 'Pass-through settings for Debezium Server.' },
);

export const SourceSchema = Type.Object(
  {
    type: Choice(['cdc', 'external', 'flink', 'riotx'], {
      description:
        '`cdc`: Sluice runs Debezium for this source; `external`: something else writes the streams; `flink` / `riotx`: RDI collectors Sluice does not run (accepted, nothing captured).',
      default: 'cdc',
    }),
    name: Type.Optional(
      Type.String({ maxLength: 100, description: 'Display name of the source.' }),
    ),
    active: BooleanSetting({ description: 'Capture from this source.', default: true }),
    logging: Logging,
    connection: Type.Optional(SourceConnection),
    databases: Type.Optional(
      Type.Array(Name('Database name.'), { description: 'MySQL/MariaDB databases to capture.' }),
    ),
    schemas: Type.Optional(
      Type.Array(Name('Schema name.'), {
        description: 'PostgreSQL/Oracle/SQL Server schemas to capture.',
      }),
    ),
    tables: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), TableSchema, {
        description: 'Tables to capture, as `table` or `schema.table` (`db.table`).',
      }),
    ),
    advanced: Type.Optional(SourceAdvanced),
  },
  // The default only makes TypeBox fill the defaults inside each entry of the sources record.
  { ...closed, default: {}, description: 'One source collector.' },
);

const TargetConnection = Type.Object(
  {
    type: Choice(['redis'], { description: 'Kind of target database.', default: 'redis' }),
    host: Name('Host name or address of the target Redis.'),
    port: PortSetting('TCP port of the target Redis.'),
    user: Type.Optional(
      Type.String({ description: 'ACL user (usually `${TARGET_DB_USERNAME}`).' }),
    ),
    password: Type.Optional(
      Type.String({ description: 'Password (usually `${TARGET_DB_PASSWORD}`).' }),
    ),
    cacert: Type.Optional(
      Type.String({ description: 'CA certificate (PEM) to verify the server.' }),
    ),
    cert: Type.Optional(Type.String({ description: 'Client certificate (PEM) for TLS.' })),
    key: Type.Optional(Type.String({ description: 'Client private key (PEM) for TLS.' })),
    key_password: Type.Optional(Type.String({ description: 'Password of the client key.' })),
  },
  { ...closed, description: 'How to reach the target Redis.' },
);

export const TargetSchema = Type.Object(
  {
    connection: TargetConnection,
    name: Type.Optional(
      Type.String({ maxLength: 100, description: 'Display name of the target.' }),
    ),
  },
  { ...closed, default: {}, description: 'One target Redis database.' },
);

const FlinkSettings = (description: string) => AnyValues(description);

export const ProcessorsSchema = Type.Object(
  {
    type: Choice(['classic', 'flink'], {
      description: 'RDI processor implementation; Sluice runs its own processor for either.',
      default: 'classic',
    }),
    duration: Type.Optional(
      IntegerSetting({ description: 'Deprecated in RDI (no effect).', minimum: 1 }),
    ),
    enable_async_processing: Type.Optional(
      BooleanSetting({ description: 'RDI classic processor: asynchronous batches.' }),
    ),
    batch_queue_size: Type.Optional(
      IntegerSetting({ description: 'RDI classic processor: batches queued.', minimum: 1 }),
    ),
    ack_queue_size: Type.Optional(
      IntegerSetting({ description: 'RDI classic processor: acks queued.', minimum: 1 }),
    ),
    dedup: Type.Optional(BooleanSetting({ description: 'RDI: deduplicate incoming records.' })),
    dedup_max_size: Type.Optional(
      IntegerSetting({ description: 'RDI: size of the deduplication set.', minimum: 1 }),
    ),
    dedup_strategy: Type.Optional(
      Choice(['reject', 'ignore'], { description: 'Deprecated in RDI (no effect).' }),
    ),
    debezium_lob_encoded_placeholder: Type.Optional(
      Type.String({ description: 'Older RDI: the LOB placeholder (Sluice always drops it).' }),
    ),
    advanced: Type.Optional(
      Type.Object(
        {
          source: FlinkSettings('RDI Flink processor: stream reader.'),
          target: FlinkSettings('RDI Flink processor: target writer.'),
          dlq: FlinkSettings('RDI Flink processor: DLQ writer.'),
          processor: FlinkSettings('RDI Flink processor: processor settings.'),
          flink: FlinkSettings('RDI Flink processor: Flink runtime.'),
          resources: FlinkSettings('RDI Flink processor: task managers.'),
        },
        { ...closed, description: 'RDI Flink processor settings (accepted, no effect).' },
      ),
    ),
    read_batch_size: IntegerSetting({
      description: 'Most stream entries read per batch.',
      minimum: 1,
      default: 2000,
    }),
    read_batch_bytes: IntegerSetting({
      description:
        'Most bytes one read may hold (Sluice): with large entries fewer than read_batch_size are read per stream, bounding memory.',
      minimum: 65_536,
      default: 2_097_152,
    }),
    read_batch_timeout_ms: IntegerSetting({
      description: 'Longest wait for a batch to fill, in milliseconds.',
      minimum: 1,
      default: 100,
    }),
    write_batch_size: IntegerSetting({
      description: 'Most records written to the target in one round trip.',
      minimum: 1,
      default: 200,
    }),
    error_handling: Choice(['dlq', 'ignore'], {
      description: 'What happens to a record that cannot be processed.',
      default: 'dlq',
    }),
    dlq_max_messages: IntegerSetting({
      description: 'Most records kept in each dead-letter stream.',
      minimum: 1,
      default: 1000,
    }),
    target_data_type: Choice(['hash', 'json'], {
      description: 'Data type of the default output.',
      default: 'hash',
    }),
    json_update_strategy: Choice(['replace', 'merge'], {
      description: 'How an update changes an existing JSON document.',
      default: 'replace',
    }),
    use_native_json_merge: BooleanSetting({
      description: 'Use JSON.MERGE (RedisJSON 2.6+) for the merge strategy.',
      default: true,
    }),
    type_rendering: Choice(['sluice', 'rdi'], {
      description:
        'How dates, times and booleans are written (docs/types.md): `sluice`, exact ISO text; `rdi`, epoch numbers and 1/0 as RDI writes them.',
      default: 'sluice',
    }),
    on_truncate: Choice(['ignore', 'delete'], {
      description:
        'What a TRUNCATE of a source table does: `ignore` (Debezium skips truncates), or `delete`, which removes every key, member and nested entry the rows of the table placed in the targets (docs/types.md, "Truncate").',
      default: 'ignore',
    }),
    initial_sync_processes: IntegerSetting({
      description: 'Parallel workers during the initial sync.',
      minimum: 1,
      maximum: 32,
      default: 4,
    }),
    idle_sleep_time_ms: IntegerSetting({
      description: 'Pause when no stream has new entries, in milliseconds.',
      minimum: 1,
      default: 200,
    }),
    idle_streams_check_interval_ms: IntegerSetting({
      description: 'How often idle streams are checked for new entries, in milliseconds.',
      minimum: 1,
      default: 1000,
    }),
    busy_streams_check_interval_ms: IntegerSetting({
      description: 'How often the list of streams is refreshed while busy, in milliseconds.',
      minimum: 1,
      default: 5000,
    }),
    retry_max_attempts: IntegerSetting({
      description: 'Attempts at a failing target write before giving up.',
      minimum: 1,
      default: 5,
    }),
    retry_initial_delay_ms: IntegerSetting({
      description: 'First retry delay, in milliseconds.',
      minimum: 1,
      default: 1000,
    }),
    retry_max_delay_ms: IntegerSetting({
      description: 'Longest retry delay, in milliseconds.',
      minimum: 1,
      default: 10000,
    }),
    wait_enabled: BooleanSetting({
      description: 'Wait for replicas to acknowledge each write (WAIT).',
      default: false,
    }),
    wait_timeout: IntegerSetting({
      description: 'WAIT timeout, in milliseconds.',
      minimum: 1,
      default: 1000,
    }),
    retry_on_replica_failure: BooleanSetting({
      description: 'Retry a write whose WAIT did not reach the replicas.',
      default: true,
    }),
    on_failed_retry_interval: IntegerSetting({
      description: 'Seconds to wait before retrying after a failed batch.',
      minimum: 1,
      default: 5,
    }),
    instances: IntegerSetting({
      description:
        'Processor processes the operator runs side by side (Sluice), each on its own share of the change streams (a stable hash of the stream name): more throughput when one process is not enough. Local runtime only; Kubernetes runs one.',
      minimum: 1,
      maximum: 64,
      default: 1,
    }),
    logging: Logging,
  },
  { ...closed, default: {}, description: 'Settings of the stream processor.' },
);

const SecretProvider = Type.Object(
  {
    type: Choice(['aws', 'vault'], { description: 'Secret store.' }),
    parameters: Type.Object(
      {
        objects: Type.Array(
          Type.Object(
            { objectName: Type.Optional(Name('Name of the secret in the store.')) },
            { additionalProperties: true, description: 'One secret to fetch.' },
          ),
          { description: 'Secrets to fetch.' },
        ),
      },
      closed,
    ),
  },
  { ...closed, description: 'An external secret store.' },
);

export const PipelineConfigSchema = Type.Object(
  {
    sources: Type.Record(Type.String({ minLength: 1 }), SourceSchema, {
      description: 'Source collectors, by name; the name prefixes every stream of the source.',
    }),
    targets: Type.Record(Type.String({ minLength: 1 }), TargetSchema, {
      description: 'Target Redis databases, by name; jobs write to `target` by default.',
    }),
    processors: ProcessorsSchema,
    'secret-providers': Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), SecretProvider, {
        description: 'External secret stores that supply `${NAME}` values.',
      }),
    ),
    metadata: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Type.String({ description: 'Display name of the pipeline.' })),
          description: Type.Optional(Type.String({ description: 'What the pipeline is for.' })),
          revision: Type.Optional(
            IntegerSetting({ description: 'Revision number of the pipeline.', minimum: 0 }),
          ),
          tags: Type.Optional(
            Type.Array(
              Type.String({
                maxLength: 50,
                pattern: '^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$',
                errorMessage:
                  'must be up to 50 letters, digits, dots, dashes or underscores, starting and ending with a letter or digit',
              }),
              { uniqueItems: true, description: 'Tags of the pipeline.' },
            ),
          ),
        },
        { ...closed, description: 'Describes the pipeline.' },
      ),
    ),
  },
  {
    ...closed,
    title: 'Sluice pipeline config.yaml',
    description: 'Sources, targets and processor settings of a Sluice (RDI-compatible) pipeline.',
  },
);

export type PipelineConfigData = StaticDecode<typeof PipelineConfigSchema>;
