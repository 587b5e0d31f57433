// Debezium Server properties of every source RDI supports beyond PostgreSQL and MariaDB: SQL
// Server, Oracle (LogMiner), MongoDB (replica set and Atlas), and the Supabase and MySQL 8.x
// variants. Each fixture config renders to its golden file (regenerate after a deliberate
// change with SLUICE_UPDATE_GOLDEN=1); the key properties are also asserted one by one.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePipelineConfig } from '../pipeline/load-config.ts';
import { renderDebeziumProperties, type RdiDatabase } from './render-properties.ts';

const SECRETS = { SOURCE_DB_USERNAME: 'dbz', SOURCE_DB_PASSWORD: 'S3cret' };
const RDI: RdiDatabase = { host: 'rdi.local', port: 12001, password: 'rdi-pass' };
const dir = join(import.meta.dirname, 'fixtures', 'sources');

export async function renderFixture(name: string, httpPort?: number) {
  const text = await readFile(join(dir, `${name}.yaml`), 'utf8');
  const config = parsePipelineConfig(text, `${name}.yaml`, SECRETS);
  const [source] = Object.keys(config.sources);
  if (source === undefined) throw new Error(`${name}.yaml has no source`);
  return renderDebeziumProperties(config, source, RDI, httpPort === undefined ? {} : { httpPort });
}

function properties(text: string): Map<string, string> {
  return new Map(
    text
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const at = line.indexOf('=');
        return [line.slice(0, at), line.slice(at + 1).replace(/\\(.)/g, '$1')] as [string, string];
      }),
  );
}

const FIXTURES = ['sqlserver', 'oracle', 'mongodb', 'mongodb-atlas', 'supabase', 'mysql8'];

describe('rendered properties of each source kind', () => {
  it.each(FIXTURES)('%s matches its golden file', async (name) => {
    const rendered = await renderFixture(name);
    const golden = join(dir, `${name}.properties`);
    if (process.env['SLUICE_UPDATE_GOLDEN'] === '1') await writeFile(golden, rendered.properties);
    expect(rendered.properties).toBe(await readFile(golden, 'utf8'));
    expect(rendered.properties).not.toContain('S3cret');
  });

  it('SQL Server: connector, database, schema history, filters', async () => {
    const p = properties((await renderFixture('sqlserver')).properties);
    expect(p.get('debezium.source.connector.class')).toBe(
      'io.debezium.connector.sqlserver.SqlServerConnector',
    );
    expect(p.get('debezium.source.database.names')).toBe('shop');
    expect(p.get('debezium.source.schema.include.list')).toBe('dbo');
    expect(p.get('debezium.source.table.include.list')).toBe('dbo\\.customers');
    expect(p.get('debezium.source.schema.history.internal')).toBe(
      'io.debezium.storage.redis.history.RedisSchemaHistory',
    );
    expect(p.get('debezium.source.database.encrypt')).toBe('true');
  });

  it('Oracle: LogMiner, the CDB and PDB from advanced.source', async () => {
    const p = properties((await renderFixture('oracle')).properties);
    expect(p.get('debezium.source.connector.class')).toBe(
      'io.debezium.connector.oracle.OracleConnector',
    );
    expect(p.get('debezium.source.database.connection.adapter')).toBe('logminer');
    expect(p.get('debezium.source.database.dbname')).toBe('ORCLCDB');
    expect(p.get('debezium.source.database.pdb.name')).toBe('ORCLPDB1');
    expect(p.get('debezium.source.table.include.list')).toBe('INVENTORY\\.CUSTOMERS');
  });

  it('MongoDB: the connection string from the environment, collections, excluded fields', async () => {
    const rendered = await renderFixture('mongodb');
    const p = properties(rendered.properties);
    expect(p.get('debezium.source.connector.class')).toBe(
      'io.debezium.connector.mongodb.MongoDbConnector',
    );
    expect(p.get('debezium.source.mongodb.connection.string')).toBe(
      '${SLUICE_SOURCE_DB_CONNECTION_STRING}',
    );
    expect(rendered.env['SLUICE_SOURCE_DB_CONNECTION_STRING']).toContain('replicaSet=rs0');
    expect(p.get('debezium.source.database.include.list')).toBe('shop');
    expect(p.get('debezium.source.collection.include.list')).toBe('shop\\.customers');
    expect(p.get('debezium.source.field.exclude.list')).toBe('shop.customers.password_hash');
    expect(p.has('debezium.source.database.hostname')).toBe(false);
    expect(p.has('debezium.source.schema.history.internal')).toBe(false);
  });

  it('MongoDB Atlas: an SRV string with its credentials stays out of the file', async () => {
    const rendered = await renderFixture('mongodb-atlas');
    expect(rendered.env['SLUICE_SOURCE_DB_CONNECTION_STRING']).toBe(
      'mongodb+srv://dbz:S3cret@cluster0.mongodb.net/?authSource=admin',
    );
    expect(properties(rendered.properties).get('debezium.source.mongodb.ssl.enabled')).toBe('true');
  });

  it('advanced.sink keys written the RDI way reach the sink property', async () => {
    const p = properties((await renderFixture('mysql8')).properties);
    expect(p.get('debezium.sink.redis.memory.limit.mb')).toBe('512');
    expect([...p.keys()].some((key) => key.includes('redis.redis.'))).toBe(false);
    expect(p.get('debezium.source.gtid.source.includes')).toBe(
      '3e11fa47-71ca-11e1-9e33-c80aa9429562',
    );
  });
});
