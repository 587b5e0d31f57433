// Renders Debezium Server 3.6's application.properties for one source of a pipeline: Redis sink
// writing `data:<source>.<schema>.<table>` streams, Redis offsets and schema history in the RDI
// database, the source's filters, then the user's `advanced` overrides. Pure: text in, text out.
// No credential is ever written into the text: it is a `${SLUICE_…}` reference, valued in `env`.

import { SluiceError } from '../common/errors.ts';
import type { PipelineConfig, SourceConfig } from '../pipeline/load-config.ts';
import {
  DEBEZIUM_OFFSETS_KEY,
  DEBEZIUM_SCHEMA_HISTORY_KEY,
  STREAM_PREFIX,
} from '../pipeline/redis-keys.ts';
import {
  escapeExpressionText,
  formatProperties,
  fromEnv,
  literal,
  type PropertyValue,
} from './render-properties-text.ts';
import type { RdiTls } from '../common/rdi-tls.ts';
import { rdiTlsProperties, type JavaTlsStores } from './render-rdi-tls.ts';
import { replicaServerId, replicationSlotName } from './render-source-identity.ts';
import { sourceTlsProperties } from './render-source-tls.ts';
import {
  regexEscape,
  SCHEMA_KINDS,
  tableFilters,
  type RelationalKind,
} from './render-table-filters.ts';

/** The RDI database: the Redis that holds the change streams, offsets and schema history. */
export interface RdiDatabase {
  readonly host: string;
  readonly port: number;
  readonly user?: string;
  readonly password?: string;
  /** TLS (a `rediss://` SLUICE_RDI_URL); the collector needs `tlsStores` for its certificates. */
  readonly tls?: RdiTls;
  readonly tlsStores?: JavaTlsStores;
}

export interface RenderOptions {
  /** `quarkus.http.port` (health and API), so that several servers can share a machine. */
  readonly httpPort?: number;
  /** `debezium.source.poll.interval.ms`; Debezium's 500 ms default adds latency. Default 10 (bench/RESULTS.md, latency). */
  readonly pollIntervalMs?: number;
  /**
   * Enables Debezium's file signal channel on this file (beside the default `source` channel):
   * the operator writes `execute-snapshot` signals there for tables added to `tables`.
   */
  readonly signalFile?: string;
}

export interface RenderedDebeziumConfig {
  /** The application.properties text. Holds no credential. */
  readonly properties: string;
  /**
   * Environment of the Debezium Server process: the credentials the properties refer to
   * (escaped for SmallRye Config: pass them unchanged) and DEBEZIUM_OPTS from java_options.
   */
  readonly env: Readonly<Record<string, string>>;
}

export const DEFAULT_POLL_INTERVAL_MS = 10;

const CONNECTOR_CLASSES: Readonly<Record<RelationalKind, string>> = {
  postgresql: 'io.debezium.connector.postgresql.PostgresConnector',
  mysql: 'io.debezium.connector.mysql.MySqlConnector',
  mariadb: 'io.debezium.connector.mariadb.MariaDbConnector',
  sqlserver: 'io.debezium.connector.sqlserver.SqlServerConnector',
  oracle: 'io.debezium.connector.oracle.OracleConnector',
  mongodb: 'io.debezium.connector.mongodb.MongoDbConnector',
};

/** Connectors that rebuild table schemas from a schema history after a restart. */
const NEEDS_SCHEMA_HISTORY: ReadonlySet<RelationalKind> = new Set([
  'mysql',
  'mariadb',
  'sqlserver',
  'oracle',
]);

const OFFSET_STORE = 'io.debezium.storage.redis.offset.RedisOffsetBackingStore';
const SCHEMA_HISTORY = 'io.debezium.storage.redis.history.RedisSchemaHistory';
const OFFSETS_PREFIX = 'debezium.source.offset.storage.';
const HISTORY_PREFIX = 'debezium.source.schema.history.internal.';
const TRANSFORM = 'sluicestreams';
const TYPES_TRANSFORM = 'sluicetypes';
const TYPES_TRANSFORM_CLASS = 'io.sluice.debezium.TypeDescriptorTransform';

/**
 * Settings every Redis client of debezium-storage-redis reads (RedisCommonConfig). The sink,
 * the offset store and the schema history each read their own copy, so a connection setting
 * given in `advanced.sink` (TLS, db index, timeouts) is mirrored to the other two.
 */
const REDIS_CLIENT_SETTINGS = new Set([
  'db.index',
  'ssl.enabled',
  'ssl.truststore.path',
  'ssl.truststore.password',
  'ssl.truststore.type',
  'ssl.keystore.path',
  'ssl.keystore.password',
  'ssl.keystore.type',
  'ssl.hostname.verification.enabled',
  'connection.timeout.ms',
  'socket.timeout.ms',
  'retry.initial.delay.ms',
  'retry.max.delay.ms',
  'retry.max.attempts',
  'wait.enabled',
  'wait.timeout.ms',
  'wait.retry.enabled',
  'wait.retry.delay.ms',
  'cluster.enabled',
]);

/** Keys of `advanced` values that are credentials: written as env references too. */
const SECRET_KEY = /pass(word|wd|phrase)?|secret|token|credential/i;

export const ENV_NAMES = {
  sourceUser: 'SLUICE_SOURCE_DB_USER',
  sourcePassword: 'SLUICE_SOURCE_DB_PASSWORD',
  sourceConnectionString: 'SLUICE_SOURCE_DB_CONNECTION_STRING',
  rdiUser: 'SLUICE_RDI_DB_USER',
  rdiPassword: 'SLUICE_RDI_DB_PASSWORD',
  javaOptions: 'DEBEZIUM_OPTS',
} as const;

export function renderDebeziumProperties(
  config: PipelineConfig,
  sourceName: string,
  rdiDb: RdiDatabase,
  options: RenderOptions = {},
): RenderedDebeziumConfig {
  const source = Object.hasOwn(config.sources, sourceName) ? config.sources[sourceName] : undefined;
  if (source === undefined) {
    throw new SluiceError('CONFIG_INVALID', `the pipeline has no source named '${sourceName}'`, {
      path: `sources.${sourceName}`,
    });
  }
  const kind = relationalKind(sourceName, source);
  const properties = new PropertyWriter();
  sinkProperties(properties, rdiDb);
  sourceProperties(properties, sourceName, source, kind, options);
  truncateProperties(properties, config);
  storageProperties(properties, rdiDb, kind);
  streamNameProperties(properties, sourceName);
  quarkusProperties(properties, source, options);
  if (options.signalFile !== undefined) signalProperties(properties, options.signalFile);
  advancedProperties(properties, source, kind);
  sourceTlsProperties(properties, sourceName, source, kind);
  const javaOptions = source.advanced?.java_options;
  if (javaOptions !== undefined) properties.env[ENV_NAMES.javaOptions] = javaOptions;
  const header = [
    `Debezium Server properties of source '${sourceName}', rendered by Sluice from config.yaml.`,
    'Generated: edit config.yaml instead. Credentials are ${...} references to the environment.',
  ];
  return { properties: formatProperties(header, properties.values), env: properties.env };
}

/** Ordered properties (a later set replaces the value in place) and the env they refer to. */
class PropertyWriter {
  readonly values = new Map<string, PropertyValue>();
  readonly env: Record<string, string> = {};

  set(key: string, value: PropertyValue): void {
    this.values.set(key, value);
  }

  /**
   * A credential: an env reference in the file, the value (escaped) in the environment. An empty
   * one is left out: SmallRye Config reads an empty value as no value, and the reference to it
   * would fail.
   */
  secret(key: string, envName: string, value: string): void {
    if (value === '') return;
    this.values.set(key, fromEnv(envName));
    this.env[envName] = escapeExpressionText(value);
  }
}

function relationalKind(sourceName: string, source: SourceConfig): RelationalKind {
  const path = `sources.${sourceName}`;
  if (source.type !== 'cdc') {
    throw new SluiceError(
      'CONFIG_UNSUPPORTED',
      `source '${sourceName}' is of type ${source.type}: Sluice runs no Debezium for it`,
      { path: `${path}.type` },
    );
  }
  const kind = source.connection?.type;
  if (kind === undefined || !Object.hasOwn(CONNECTOR_CLASSES, kind)) {
    throw new SluiceError(
      'CONFIG_UNSUPPORTED',
      `Sluice captures with Debezium from ${Object.keys(CONNECTOR_CLASSES).join(', ')} sources, not ${kind ?? 'a source without a connection'}`,
      { path: `${path}.connection.type` },
    );
  }
  return kind as RelationalKind;
}

function sinkProperties(out: PropertyWriter, rdiDb: RdiDatabase): void {
  out.set('debezium.sink.type', literal('redis'));
  redisClientProperties(out, 'debezium.sink.', rdiDb);
  // extended: the entry carries the record key and headers beside the value.
  out.set('debezium.sink.redis.message.format', literal('extended'));
}

function redisClientProperties(out: PropertyWriter, prefix: string, rdiDb: RdiDatabase): void {
  out.set(`${prefix}redis.address`, literal(`${rdiDb.host}:${rdiDb.port}`));
  if (rdiDb.user !== undefined) out.secret(`${prefix}redis.user`, ENV_NAMES.rdiUser, rdiDb.user);
  if (rdiDb.password !== undefined) {
    out.secret(`${prefix}redis.password`, ENV_NAMES.rdiPassword, rdiDb.password);
  }
  for (const { name, value, secretEnv } of rdiTlsProperties(rdiDb.tls, rdiDb.tlsStores)) {
    if (secretEnv === undefined) out.set(`${prefix}redis.${name}`, literal(value));
    else out.secret(`${prefix}redis.${name}`, secretEnv, String(value));
  }
}

function sourceProperties(
  out: PropertyWriter,
  sourceName: string,
  source: SourceConfig,
  kind: RelationalKind,
  options: RenderOptions,
): void {
  const connection = source.connection;
  const path = `sources.${sourceName}.connection`;
  const src = (key: string) => `debezium.source.${key}`;
  out.set(src('connector.class'), literal(CONNECTOR_CLASSES[kind]));
  out.set(src('topic.prefix'), literal(sourceName));
  if (kind === 'mongodb') {
    mongoConnection(out, sourceName, source);
  } else {
    const host = connection?.host;
    const port = connection?.port;
    if (host === undefined || port === undefined) {
      throw new SluiceError('CONFIG_INVALID', `source '${sourceName}' needs a host and a port`, {
        path,
      });
    }
    out.set(src('database.hostname'), literal(host));
    out.set(src('database.port'), literal(port));
    if (connection?.user !== undefined) {
      out.secret(src('database.user'), ENV_NAMES.sourceUser, connection.user);
    }
    if (connection?.password !== undefined) {
      out.secret(src('database.password'), ENV_NAMES.sourcePassword, connection.password);
    }
  }
  const database = connection?.database;
  const needDatabase = (): string => {
    if (database !== undefined) return database;
    throw new SluiceError(
      'CONFIG_INVALID',
      `source '${sourceName}' needs the database to connect to`,
      { path: `${path}.database` },
    );
  };
  if (kind === 'postgresql') {
    const slot = replicationSlotName(sourceName);
    out.set(src('database.dbname'), literal(needDatabase()));
    out.set(src('plugin.name'), literal('pgoutput'));
    out.set(src('slot.name'), literal(slot));
    out.set(src('publication.name'), literal(slot));
    // filtered: the publication covers exactly the captured tables.
    out.set(src('publication.autocreate.mode'), literal('filtered'));
  } else if (kind === 'mysql' || kind === 'mariadb') {
    out.set(src('database.server.id'), literal(replicaServerId(sourceName)));
    // Schema changes go to the schema history; a `data:<source>` stream of DDL is noise.
    out.set(src('include.schema.changes'), literal(false));
    // The default (`long`) wraps BIGINT UNSIGNED values above 2^63 to negatives: 2^64-1
    // arrives as -1. `precise` sends them as decimals of scale 0, which keep every digit.
    out.set(src('bigint.unsigned.handling.mode'), literal('precise'));
  } else if (kind === 'sqlserver') {
    out.set(src('database.names'), literal(needDatabase()));
    out.set(src('include.schema.changes'), literal(false));
  } else if (kind === 'oracle') {
    // The database (CDB) name; RDI's examples may give it, and the PDB, in advanced.source.
    if (source.advanced?.source?.['database.dbname'] === undefined) {
      out.set(src('database.dbname'), literal(needDatabase()));
    }
    out.set(src('database.connection.adapter'), literal('logminer'));
    out.set(src('include.schema.changes'), literal(false));
  }
  const filters = tableFilters(sourceName, source, kind);
  const containerList = SCHEMA_KINDS.has(kind) ? 'schema.include.list' : 'database.include.list';
  const tableList = kind === 'mongodb' ? 'collection.include.list' : 'table.include.list';
  if (filters.containerIncludeList !== undefined) {
    out.set(src(containerList), literal(filters.containerIncludeList));
  }
  if (filters.tableIncludeList !== undefined)
    out.set(src(tableList), literal(filters.tableIncludeList));
  if (filters.columnIncludeList !== undefined && kind !== 'mongodb')
    out.set(src('column.include.list'), literal(filters.columnIncludeList));
  if (kind === 'mongodb') mongoFieldExcludes(out, source);
  if (filters.messageKeyColumns !== undefined)
    out.set(src('message.key.columns'), literal(filters.messageKeyColumns));
  if (filters.snapshotOverrides.length > 0) {
    const ids = filters.snapshotOverrides.map(([id]) => id);
    out.set(src('snapshot.select.statement.overrides'), literal(ids.join(',')));
    for (const [id, select] of filters.snapshotOverrides) {
      out.set(src(`snapshot.select.statement.overrides.${id}`), literal(select));
    }
  }
  typeHandlingProperties(out, kind);
  out.set(src('tombstones.on.delete'), literal(false));
  out.set(src('skip.messages.without.change'), literal(true));
  out.set(src('poll.interval.ms'), literal(options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS));
  // Keep SQL NULLs as nulls: otherwise the JSON converter writes the column's default instead.
  out.set('debezium.format.value.replace.null.with.default', literal(false));
}

/**
 * `on_truncate: delete`: Debezium skips truncate events by default (`skipped.operations=t`);
 * `none` makes it emit them, and the processor removes what the table's rows placed.
 */
function truncateProperties(out: PropertyWriter, config: PipelineConfig): void {
  if (config.processors.on_truncate !== 'delete') return;
  out.set('debezium.source.skipped.operations', literal('none'));
  // A truncate event has no key: the sink writes `null.key` (default `default`, not JSON) as
  // the entry's key; `null` is what the processor reads as "no key".
  out.set('debezium.sink.redis.null.key', literal('null'));
}

/**
 * How values are typed in the entries (measured in docs/types.md): the processor needs the
 * logical type of dates, times, bits and unsigned bigints, which the descriptor carries; decimals
 * and intervals travel as strings, the only modes that keep NaN, ±Infinity and interval
 * months exactly (`precise` turns a NaN into null, MicroDuration approximates a month).
 */
function typeHandlingProperties(out: PropertyWriter, kind: RelationalKind): void {
  out.set('debezium.source.decimal.handling.mode', literal('string'));
  out.set('debezium.source.interval.handling.mode', literal('string'));
  // Schemas off: Sluice's transformation (collector/java) adds a compact descriptor of the
  // row's and key's types to each entry instead (~5 KB → ~1.3 KB per entry of 1 KB rows).
  out.set('debezium.format.value.schemas.enable', literal(false));
  out.set('debezium.format.key.schemas.enable', literal(false));
  // Headers (connector, run id…) as bare JSON strings, not each wrapped with its own schema.
  out.set('debezium.format.header.schemas.enable', literal(false));
  out.set(`debezium.transforms.${TYPES_TRANSFORM}.type`, literal(TYPES_TRANSFORM_CLASS));
  if (kind !== 'postgresql') return;
  // Debezium pads a `bit varying` value to the declared length: this one sends the bits held.
  out.set('debezium.source.converters', literal('sluicevarbit'));
  out.set('debezium.source.sluicevarbit.type', literal('io.sluice.debezium.VarbitConverter'));
}

function storageProperties(out: PropertyWriter, rdiDb: RdiDatabase, kind: RelationalKind): void {
  out.set('debezium.source.offset.storage', literal(OFFSET_STORE));
  redisClientProperties(out, OFFSETS_PREFIX, rdiDb);
  out.set(`${OFFSETS_PREFIX}redis.key`, literal(DEBEZIUM_OFFSETS_KEY));
  // 0: offsets are written after every batch, so a restart replays as little as possible.
  out.set('debezium.source.offset.flush.interval.ms', literal(0));
  if (!NEEDS_SCHEMA_HISTORY.has(kind)) return;
  // MySQL, MariaDB, SQL Server and Oracle rebuild their table schemas from this history.
  out.set('debezium.source.schema.history.internal', literal(SCHEMA_HISTORY));
  redisClientProperties(out, HISTORY_PREFIX, rdiDb);
  out.set(`${HISTORY_PREFIX}redis.key`, literal(DEBEZIUM_SCHEMA_HISTORY_KEY));
}

/** Renames topic `<source>.<schema>.<table>` to stream `data:<source>.<schema>.<table>`. */
function streamNameProperties(out: PropertyWriter, sourceName: string): void {
  const transform = `debezium.transforms.${TRANSFORM}`;
  out.set('debezium.transforms', literal(`${TRANSFORM},${TYPES_TRANSFORM}`));
  out.set(`${transform}.type`, literal('org.apache.kafka.connect.transforms.RegexRouter'));
  // Only the source's table topics: heartbeat topics keep their names, outside `data:`.
  out.set(`${transform}.regex`, literal(`${regexEscape(sourceName)}\\..+`));
  out.set(`${transform}.replacement`, literal(`${STREAM_PREFIX}$0`));
}

function quarkusProperties(
  out: PropertyWriter,
  source: SourceConfig,
  options: RenderOptions,
): void {
  if (options.httpPort !== undefined) out.set('quarkus.http.port', literal(options.httpPort));
  out.set('quarkus.log.level', literal(source.logging.level.toUpperCase()));
  // Plain-text console logs (Debezium Server logs JSON by default).
  out.set('quarkus.log.console.json.enabled', literal(false));
}

/** The file channel needs no table in the source (docs/operations.md, "Adding a table"). */
function signalProperties(out: PropertyWriter, file: string): void {
  out.set('debezium.source.signal.enabled.channels', literal('source,file'));
  out.set('debezium.source.signal.file', literal(file));
}

/** `advanced.sink|source|quarkus`, applied last so that they override Sluice's settings. */
function advancedProperties(out: PropertyWriter, source: SourceConfig, kind: RelationalKind): void {
  const advanced = source.advanced;
  // A secret mirrored to several properties keeps one env name, that of its first property.
  const apply = (key: string, value: string | number | boolean, envName = envNameOf(key)) => {
    if (SECRET_KEY.test(key)) out.secret(key, envName, String(value));
    else out.set(key, literal(value));
  };
  for (const [written, value] of Object.entries(advanced?.sink ?? {})) {
    // RDI writes sink keys without `debezium.sink.` (`redis.memory.limit.mb`); the short form
    // without `redis.` (`memory.limit.mb`) is read as the same property.
    const key = written.startsWith('redis.') ? written.slice('redis.'.length) : written;
    const sinkKey = `debezium.sink.redis.${key}`;
    apply(sinkKey, value);
    if (!REDIS_CLIENT_SETTINGS.has(key)) continue;
    apply(`${OFFSETS_PREFIX}redis.${key}`, value, envNameOf(sinkKey));
    if (NEEDS_SCHEMA_HISTORY.has(kind)) {
      apply(`${HISTORY_PREFIX}redis.${key}`, value, envNameOf(sinkKey));
    }
  }
  for (const [key, value] of Object.entries(advanced?.source ?? {})) {
    apply(`debezium.source.${key}`, value);
  }
  for (const [key, value] of Object.entries(advanced?.quarkus ?? {}))
    apply(`quarkus.${key}`, value);
}

/** `debezium.sink.redis.ssl.keystore.password` → `SLUICE_DEBEZIUM_SINK_REDIS_SSL_KEYSTORE_PASSWORD`. */
function envNameOf(propertyKey: string): string {
  return `SLUICE_${propertyKey.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * MongoDB (replica set, sharded cluster or Atlas): the connection string as RDI gives it
 * (`mongodb://…/?replicaSet=rs0`, `mongodb+srv://…` for Atlas), or one built from host and
 * port. It may hold credentials, so it travels in the environment like a password.
 */
function mongoConnection(out: PropertyWriter, sourceName: string, source: SourceConfig): void {
  const connection = source.connection;
  const given = connection?.connection_string;
  const host = connection?.host;
  if (given === undefined && host === undefined) {
    throw new SluiceError(
      'CONFIG_INVALID',
      `source '${sourceName}' needs a connection_string (or a host)`,
      { path: `sources.${sourceName}.connection.connection_string` },
    );
  }
  const uri = given ?? `mongodb://${host ?? ''}:${connection?.port ?? 27017}/`;
  out.secret('debezium.source.mongodb.connection.string', ENV_NAMES.sourceConnectionString, uri);
  if (connection?.user !== undefined) {
    out.secret('debezium.source.mongodb.user', ENV_NAMES.sourceUser, connection.user);
  }
  if (connection?.password !== undefined) {
    out.secret('debezium.source.mongodb.password', ENV_NAMES.sourcePassword, connection.password);
  }
}

/** `tables.<db.collection>.exclude_columns` → `field.exclude.list` (db.collection.field). */
function mongoFieldExcludes(out: PropertyWriter, source: SourceConfig): void {
  const fields: string[] = [];
  for (const [table, settings] of Object.entries(source.tables ?? {})) {
    for (const field of settings?.exclude_columns ?? []) fields.push(`${table}.${field}`);
  }
  if (fields.length > 0) out.set('debezium.source.field.exclude.list', literal(fields.join(',')));
}
