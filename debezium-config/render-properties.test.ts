import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePipelineConfig, type PipelineConfig } from '../pipeline/load-config.ts';
import { renderDebeziumProperties, type RdiDatabase } from './render-properties.ts';
import { replicaServerId } from './render-source-identity.ts';

const SECRETS = {
  SOURCE_DB_USERNAME: 'debezium-user',
  SOURCE_DB_PASSWORD: 'Src-$ecret{1}',
  TARGET_DB_PORT: '6380',
  TARGET_DB_PASSWORD: 'Target-Secret',
};
const RDI: RdiDatabase = {
  host: 'rdi.local',
  port: 12001,
  user: 'rdi-admin',
  password: 'Rdi-P@ss',
};

const pipelineFile = (name: string) =>
  fileURLToPath(new URL(`../pipeline/fixtures/${name}`, import.meta.url));
const goldenFile = (name: string) => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));

async function fixtureConfig(name: string): Promise<PipelineConfig> {
  return parsePipelineConfig(await readFile(pipelineFile(name), 'utf8'), name, SECRETS);
}

/** A one-source config; `connection` and `extra` are YAML lines under sources.src. */
function config(connection: string[], extra: string[] = []): PipelineConfig {
  const text = [
    'sources:',
    '  src:',
    '    connection:',
    ...connection.map((line) => `      ${line}`),
    ...extra.map((line) => `    ${line}`),
    'targets:',
    '  target:',
    '    connection: {host: localhost, port: 6379}',
    '',
  ].join('\n');
  return parsePipelineConfig(text, 'config.yaml', SECRETS);
}

const MYSQL = ['type: mysql', 'host: mysql.local', 'port: 3306', 'user: ${SOURCE_DB_USERNAME}'];

/** Reads the `key=value` lines back, undoing java.util.Properties escapes. */
function readProperties(text: string): Map<string, string> {
  const unescape = (s: string) =>
    s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, escaped: string) => {
      if (escaped.length === 5) return String.fromCharCode(parseInt(escaped.slice(1), 16));
      return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[escaped] ?? escaped;
    });
  const entries = text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line): [string, string] => {
      const split = /^((?:\\.|[^\\=])*)=(.*)$/.exec(line);
      if (split === null) throw new Error(`not a property line: ${line}`);
      return [unescape(split[1] ?? ''), unescape(split[2] ?? '')];
    });
  const keys = entries.map(([key]) => key);
  expect(new Set(keys).size).toBe(keys.length);
  return new Map(entries);
}

describe('renderDebeziumProperties: PostgreSQL', async () => {
  const rendered = renderDebeziumProperties(await fixtureConfig('config.yaml'), 'pg', RDI, {
    httpPort: 18081,
  });
  const props = readProperties(rendered.properties);

  it('matches the committed example', async () => {
    expect(rendered.properties).toBe(await readFile(goldenFile('postgresql.properties'), 'utf8'));
  });

  it('configures the Redis sink on the RDI database', () => {
    expect(props.get('debezium.sink.type')).toBe('redis');
    expect(props.get('debezium.sink.redis.address')).toBe('rdi.local:12001');
    expect(props.get('debezium.sink.redis.user')).toBe('${SLUICE_RDI_DB_USER}');
    expect(props.get('debezium.sink.redis.password')).toBe('${SLUICE_RDI_DB_PASSWORD}');
    expect(props.get('debezium.sink.redis.message.format')).toBe('extended');
    expect(props.has('debezium.sink.redis.memory.limit.mb')).toBe(false);
  });

  it('configures the pgoutput connector with a slot and publication of its own', () => {
    expect(props.get('debezium.source.connector.class')).toBe(
      'io.debezium.connector.postgresql.PostgresConnector',
    );
    expect(props.get('debezium.source.topic.prefix')).toBe('pg');
    expect(props.get('debezium.source.database.hostname')).toBe('localhost');
    expect(props.get('debezium.source.database.port')).toBe('5432');
    expect(props.get('debezium.source.database.dbname')).toBe('shop');
    expect(props.get('debezium.source.database.user')).toBe('${SLUICE_SOURCE_DB_USER}');
    expect(props.get('debezium.source.database.password')).toBe('${SLUICE_SOURCE_DB_PASSWORD}');
    expect(props.get('debezium.source.plugin.name')).toBe('pgoutput');
    expect(props.get('debezium.source.slot.name')).toBe('sluice_pg');
    expect(props.get('debezium.source.publication.name')).toBe('sluice_pg');
    expect(props.get('debezium.source.publication.autocreate.mode')).toBe('filtered');
    expect(props.has('debezium.source.database.server.id')).toBe(false);
  });

  it('maps schemas, tables, columns, keys and snapshot_sql', () => {
    expect(props.get('debezium.source.schema.include.list')).toBe('inventory');
    expect(props.get('debezium.source.table.include.list')).toBe(
      'inventory\\.customers,inventory\\.orders,inventory\\.order_lines',
    );
    expect(props.get('debezium.source.column.include.list')).toBe(
      [
        'inventory\\.customers\\..*',
        'inventory\\.orders\\.id',
        'inventory\\.orders\\.customer_id',
        'inventory\\.orders\\.total',
        'inventory\\.orders\\.status',
        'inventory\\.order_lines\\..*',
      ].join(','),
    );
    expect(props.get('debezium.source.message.key.columns')).toBe(
      'inventory\\.order_lines:order_id,line_no',
    );
    expect(props.get('debezium.source.snapshot.select.statement.overrides')).toBe(
      'inventory.order_lines',
    );
    expect(
      props.get('debezium.source.snapshot.select.statement.overrides.inventory.order_lines'),
    ).toBe('SELECT * FROM inventory.order_lines WHERE order_id > 1000');
  });

  it('stores offsets in the RDI database and needs no schema history', () => {
    expect(props.get('debezium.source.offset.storage')).toBe(
      'io.debezium.storage.redis.offset.RedisOffsetBackingStore',
    );
    expect(props.get('debezium.source.offset.storage.redis.address')).toBe('rdi.local:12001');
    expect(props.get('debezium.source.offset.storage.redis.user')).toBe('${SLUICE_RDI_DB_USER}');
    expect(props.get('debezium.source.offset.storage.redis.password')).toBe(
      '${SLUICE_RDI_DB_PASSWORD}',
    );
    expect(props.get('debezium.source.offset.storage.redis.key')).toBe('metadata:debezium:offsets');
    expect(props.get('debezium.source.offset.flush.interval.ms')).toBe('0');
    expect(props.has('debezium.source.schema.history.internal')).toBe(false);
  });

  it('names streams data:<source>.<schema>.<table>', () => {
    expect(props.get('debezium.transforms')).toBe('sluicestreams,sluicetypes');
    expect(props.get('debezium.transforms.sluicestreams.type')).toBe(
      'org.apache.kafka.connect.transforms.RegexRouter',
    );
    expect(props.get('debezium.transforms.sluicestreams.regex')).toBe('pg\\..+');
    // `\$` is SmallRye's escape of `$`: Debezium reads `data:$0`.
    expect(props.get('debezium.transforms.sluicestreams.replacement')).toBe('data:\\$0');
  });

  it('keeps NULLs, drops tombstones and no-op updates, polls fast', () => {
    expect(props.get('debezium.format.value.replace.null.with.default')).toBe('false');
    expect(props.get('debezium.source.tombstones.on.delete')).toBe('false');
    expect(props.get('debezium.source.skip.messages.without.change')).toBe('true');
    expect(props.get('debezium.source.poll.interval.ms')).toBe('10');
  });

  it('sets the HTTP port, log level and plain-text logs', () => {
    expect(props.get('quarkus.http.port')).toBe('18081');
    expect(props.get('quarkus.log.level')).toBe('INFO');
    expect(props.get('quarkus.log.console.json.enabled')).toBe('false');
  });

  it('applies advanced.source after the defaults', () => {
    expect(props.get('debezium.source.snapshot.max.threads')).toBe('2');
  });

  it('returns the credentials in env, escaped for SmallRye, and never in the text', () => {
    expect(rendered.env).toEqual({
      SLUICE_RDI_DB_USER: 'rdi-admin',
      SLUICE_RDI_DB_PASSWORD: 'Rdi-P@ss',
      SLUICE_SOURCE_DB_USER: 'debezium-user',
      SLUICE_SOURCE_DB_PASSWORD: 'Src-\\$ecret{1}',
    });
    for (const secret of ['Rdi-P@ss', 'rdi-admin', 'Src-$ecret{1}', 'debezium-user']) {
      expect(rendered.properties).not.toContain(secret);
    }
  });
});

describe('renderDebeziumProperties: MariaDB', async () => {
  const rendered = renderDebeziumProperties(await fixtureConfig('config-mariadb.yaml'), 'maria', {
    host: '127.0.0.1',
    port: 6379,
  });
  const props = readProperties(rendered.properties);

  it('matches the committed example', async () => {
    expect(rendered.properties).toBe(await readFile(goldenFile('mariadb.properties'), 'utf8'));
  });

  it('keeps BIGINT UNSIGNED exact', () => {
    expect(props.get('debezium.source.bigint.unsigned.handling.mode')).toBe('precise');
  });

  it('sends decimals and intervals as exact strings, types as a compact descriptor', () => {
    expect(props.get('debezium.source.decimal.handling.mode')).toBe('string');
    expect(props.get('debezium.source.interval.handling.mode')).toBe('string');
    expect(props.get('debezium.format.value.schemas.enable')).toBe('false');
    expect(props.get('debezium.format.key.schemas.enable')).toBe('false');
    expect(props.get('debezium.transforms')).toBe('sluicestreams,sluicetypes');
    expect(props.get('debezium.transforms.sluicetypes.type')).toBe(
      'io.sluice.debezium.TypeDescriptorTransform',
    );
    // The bit varying converter is PostgreSQL's only.
    expect(props.has('debezium.source.converters')).toBe(false);
  });

  it('uses the MariaDB connector with a stable replica server id', () => {
    expect(props.get('debezium.source.connector.class')).toBe(
      'io.debezium.connector.mariadb.MariaDbConnector',
    );
    expect(props.get('debezium.source.database.server.id')).toBe(String(replicaServerId('maria')));
    expect(props.get('debezium.source.include.schema.changes')).toBe('false');
    expect(props.has('debezium.source.slot.name')).toBe(false);
    expect(props.has('debezium.source.database.dbname')).toBe(false);
  });

  it('maps databases, tables, columns and keys', () => {
    expect(props.get('debezium.source.database.include.list')).toBe('shop');
    expect(props.get('debezium.source.table.include.list')).toBe('shop\\.customers,shop\\.events');
    expect(props.get('debezium.source.column.include.list')).toBe(
      'shop\\.customers\\.id,shop\\.customers\\.email,shop\\.customers\\.name,shop\\.events\\..*',
    );
    expect(props.get('debezium.source.message.key.columns')).toBe('shop\\.events:event_id');
  });

  it('keeps the schema history in the RDI database', () => {
    expect(props.get('debezium.source.schema.history.internal')).toBe(
      'io.debezium.storage.redis.history.RedisSchemaHistory',
    );
    expect(props.get('debezium.source.schema.history.internal.redis.address')).toBe(
      '127.0.0.1:6379',
    );
    expect(props.get('debezium.source.schema.history.internal.redis.key')).toBe(
      'metadata:debezium:schema_history',
    );
  });

  it('writes no Redis credentials when the RDI database has none', () => {
    expect([...props.keys()].filter((key) => /redis\.(user|password)$/.test(key))).toEqual([]);
    expect(rendered.env).toEqual({
      SLUICE_SOURCE_DB_USER: 'debezium-user',
      SLUICE_SOURCE_DB_PASSWORD: 'Src-\\$ecret{1}',
    });
  });

  it('leaves the HTTP port to Quarkus unless asked', () => {
    expect(props.has('quarkus.http.port')).toBe(false);
  });
});

describe('renderDebeziumProperties: MySQL', () => {
  const rendered = renderDebeziumProperties(
    config([...MYSQL, 'database: app'], ['tables:', '  users:', '    columns: [id, email]']),
    'src',
    RDI,
  );
  const props = readProperties(rendered.properties);

  it('uses the MySQL connector and the schema history', () => {
    expect(props.get('debezium.source.connector.class')).toBe(
      'io.debezium.connector.mysql.MySqlConnector',
    );
    expect(props.get('debezium.source.schema.history.internal')).toBe(
      'io.debezium.storage.redis.history.RedisSchemaHistory',
    );
    expect(props.get('debezium.source.database.server.id')).toBe(String(replicaServerId('src')));
  });

  it('qualifies unqualified tables with connection.database', () => {
    expect(props.get('debezium.source.database.include.list')).toBe('app');
    expect(props.get('debezium.source.table.include.list')).toBe('app\\.users');
    expect(props.get('debezium.source.column.include.list')).toBe(
      'app\\.users\\.id,app\\.users\\.email',
    );
  });

  it('writes no password reference when there is no password', () => {
    expect(props.has('debezium.source.database.password')).toBe(false);
  });
});

describe('advanced overrides', () => {
  const rendered = renderDebeziumProperties(
    config(MYSQL, [
      'databases: [app]',
      'advanced:',
      '  sink:',
      '    memory.limit.mb: 512',
      '    ssl.enabled: true',
      '    ssl.truststore.password: Trust-Me',
      '  source:',
      '    poll.interval.ms: 10',
      '    database.server.id: 4242',
      '    snapshot.mode: no_data',
      '    database.ssl.keystore.password: Key-Store-Secret',
      '  quarkus:',
      '    http.port: 9999',
      '    log.console.json.enabled: true',
      '  java_options: -Xmx2g',
    ]),
    'src',
    RDI,
    { httpPort: 8088 },
  );
  const props = readProperties(rendered.properties);

  it('maps sink, source and quarkus keys and lets them win', () => {
    expect(props.get('debezium.sink.redis.memory.limit.mb')).toBe('512');
    expect(props.get('debezium.source.poll.interval.ms')).toBe('10');
    expect(props.get('debezium.source.database.server.id')).toBe('4242');
    expect(props.get('debezium.source.snapshot.mode')).toBe('no_data');
    expect(props.get('quarkus.http.port')).toBe('9999');
    expect(props.get('quarkus.log.console.json.enabled')).toBe('true');
  });

  it('mirrors Redis client settings of the sink to the offset store and schema history', () => {
    expect(props.get('debezium.sink.redis.ssl.enabled')).toBe('true');
    expect(props.get('debezium.source.offset.storage.redis.ssl.enabled')).toBe('true');
    expect(props.get('debezium.source.schema.history.internal.redis.ssl.enabled')).toBe('true');
    expect(props.has('debezium.source.offset.storage.redis.memory.limit.mb')).toBe(false);
  });

  it('turns credentials in advanced into env references', () => {
    const trust = '${SLUICE_DEBEZIUM_SINK_REDIS_SSL_TRUSTSTORE_PASSWORD}';
    expect(props.get('debezium.sink.redis.ssl.truststore.password')).toBe(trust);
    expect(props.get('debezium.source.offset.storage.redis.ssl.truststore.password')).toBe(trust);
    expect(props.get('debezium.source.database.ssl.keystore.password')).toBe(
      '${SLUICE_DEBEZIUM_SOURCE_DATABASE_SSL_KEYSTORE_PASSWORD}',
    );
    expect(rendered.env).toMatchObject({
      SLUICE_DEBEZIUM_SINK_REDIS_SSL_TRUSTSTORE_PASSWORD: 'Trust-Me',
      SLUICE_DEBEZIUM_SOURCE_DATABASE_SSL_KEYSTORE_PASSWORD: 'Key-Store-Secret',
    });
    expect(rendered.properties).not.toContain('Trust-Me');
    expect(rendered.properties).not.toContain('Key-Store-Secret');
  });

  it('passes java_options as DEBEZIUM_OPTS', () => {
    expect(rendered.env['DEBEZIUM_OPTS']).toBe('-Xmx2g');
  });
});

describe('renderDebeziumProperties refuses', () => {
  it('an unknown source', () => {
    for (const name of ['nope', 'toString', '__proto__']) {
      expect(() => renderDebeziumProperties(config(MYSQL), name, RDI)).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID', path: `sources.${name}` }),
      );
    }
  });

  it('an external source', () => {
    const external = config(MYSQL, ['type: external']);
    expect(() => renderDebeziumProperties(external, 'src', RDI)).toThrow(
      expect.objectContaining({ code: 'CONFIG_UNSUPPORTED' }),
    );
  });

  it("a source of a collector Sluice does not run (RDI's flink)", () => {
    const flink = config(
      ['type: postgresql', 'host: o', 'port: 5432', 'database: d'],
      ['type: flink'],
    );
    expect(() => renderDebeziumProperties(flink, 'src', RDI)).toThrow(
      expect.objectContaining({ code: 'CONFIG_UNSUPPORTED', path: 'sources.src.type' }),
    );
  });

  it('a MySQL table whose database is unknown', () => {
    const unqualified = config(MYSQL, ['tables:', '  users:']);
    expect(() => renderDebeziumProperties(unqualified, 'src', RDI)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', path: 'sources.src.tables.users' }),
    );
  });
});
