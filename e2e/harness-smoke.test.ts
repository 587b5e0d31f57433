// Proves the e2e harness: each server starts on a free port with the settings CDC needs, and
// a real Debezium Server streams a change from PostgreSQL and from MariaDB into the RDI
// database. The property sets below are the known-good baselines for the renderer.
import { Redis } from 'ioredis';
import { afterEach, describe, expect, test } from 'vitest';
import type { MariadbInstance } from '../harness/mariadb.ts';
import type { PostgresInstance } from '../harness/postgres.ts';
import type { RedisInstance } from '../harness/redis.ts';
import { startStack } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';

const ctx = useTestContext();
const clients: Redis[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

function connect(redis: RedisInstance): Redis {
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1, lazyConnect: true });
  clients.push(client);
  return client;
}

/** Sink, offsets, stream naming and HTTP settings shared by both sources. */
function commonProperties(rdi: RedisInstance): string[] {
  return [
    'debezium.sink.type=redis',
    `debezium.sink.redis.address=${rdi.host}:${rdi.port}`,
    'debezium.sink.redis.message.format=extended',
    'debezium.source.offset.storage=io.debezium.storage.redis.offset.RedisOffsetBackingStore',
    'debezium.source.offset.flush.interval.ms=0',
    'debezium.source.topic.prefix=demo',
    'debezium.source.tombstones.on.delete=false',
    'debezium.transforms=AddPrefix',
    'debezium.transforms.AddPrefix.type=org.apache.kafka.connect.transforms.RegexRouter',
    'debezium.transforms.AddPrefix.regex=.*',
    'debezium.transforms.AddPrefix.replacement=data:$0',
  ];
}

function postgresProperties(pg: PostgresInstance, rdi: RedisInstance): string {
  return [
    ...commonProperties(rdi),
    'debezium.source.connector.class=io.debezium.connector.postgresql.PostgresConnector',
    `debezium.source.database.hostname=${pg.host}`,
    `debezium.source.database.port=${pg.port}`,
    `debezium.source.database.user=${pg.user}`,
    // The password comes from the environment (DEBEZIUM_SOURCE_DATABASE_PASSWORD).
    `debezium.source.database.dbname=${pg.database}`,
    'debezium.source.plugin.name=pgoutput',
    'debezium.source.slot.name=sluice_demo',
    'debezium.source.publication.name=sluice_demo',
    'debezium.source.publication.autocreate.mode=filtered',
    'debezium.source.table.include.list=public.items',
  ].join('\n');
}

function mariadbProperties(db: MariadbInstance, rdi: RedisInstance): string {
  return [
    ...commonProperties(rdi),
    'debezium.source.connector.class=io.debezium.connector.mariadb.MariaDbConnector',
    `debezium.source.database.hostname=${db.host}`,
    `debezium.source.database.port=${db.port}`,
    `debezium.source.database.user=${db.user}`,
    `debezium.source.database.password=${db.password}`,
    // Must differ from the server's own server_id (and from any other replica's).
    `debezium.source.database.server.id=${db.serverId + 1}`,
    `debezium.source.database.include.list=${db.database}`,
    `debezium.source.table.include.list=${db.database}.items`,
    'debezium.source.schema.history.internal=io.debezium.storage.redis.history.RedisSchemaHistory',
  ].join('\n');
}

function opOf(entry: Record<string, string>): string {
  return (JSON.parse(entry['value'] ?? '{}') as { payload: { op: string } }).payload.op;
}

/** Waits for the `index`-th entry (0-based) of a stream. */
async function entryAt(rdi: Redis, stream: string, index: number): Promise<[string, string[]]> {
  return waitFor(
    `entry ${index} of ${stream}`,
    async () => (await rdi.xrange(stream, '-', '+', 'COUNT', index + 1))[index],
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}

function fields(entry: [string, string[]]): Record<string, string> {
  const flat = entry[1];
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i] ?? ''] = flat[i + 1] ?? '';
  return out;
}

async function checkRedisSettings(rdiClient: Redis, targetClient: Redis): Promise<void> {
  expect(await rdiClient.config('GET', 'maxmemory-policy')).toEqual([
    'maxmemory-policy',
    'noeviction',
  ]);
  expect(await rdiClient.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
  expect(await rdiClient.config('GET', 'maxmemory')).toEqual([
    'maxmemory',
    String(256 * 1024 * 1024),
  ]);
  expect(await targetClient.ping()).toBe('PONG');
}

describe('e2e harness', () => {
  test('PostgreSQL stack: settings, and Debezium streams an insert', async () => {
    const stack = await startStack({
      source: 'postgresql',
      dir: `${ctx.dir}/pg`,
      registry: ctx.registry,
    });
    const pg = stack.source;
    expect(pg.port).not.toBe(5432);
    expect(await pg.query('SHOW wal_level')).toEqual([['logical']]);
    expect(await pg.query('SELECT current_database(), 1 + 1, NULL')).toEqual([
      [pg.database, '2', 'NULL'],
    ]);
    const rdi = connect(stack.rdi);
    await checkRedisSettings(rdi, connect(stack.target));

    // Row 0 exists before Debezium starts (snapshot, op r); row 1 is inserted once the
    // snapshot has arrived, so it can only come from streaming (op c).
    await pg.query(
      `CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items VALUES (0, 'zero')`,
    );
    const debezium = await stack.startDebezium(postgresProperties(pg, stack.rdi), {
      DEBEZIUM_SOURCE_DATABASE_PASSWORD: pg.password,
    });
    const stream = 'data:demo.public.items';
    expect(opOf(fields(await entryAt(rdi, stream, 0)))).toBe('r');
    await pg.query(`INSERT INTO items VALUES (1, 'one')`);
    const entry = fields(await entryAt(rdi, stream, 1));
    const value = JSON.parse(entry['value'] ?? '{}') as { payload: { op: string; after: unknown } };
    expect(value.payload.op).toBe('c');
    expect(value.payload.after).toEqual({ id: 1, name: 'one' });
    expect(JSON.parse(entry['key'] ?? '{}')).toMatchObject({ payload: { id: 1 } });
    // Offsets are flushed after the batch is written: wait for them rather than race.
    await waitFor(
      'the offsets hash',
      async () => (await rdi.exists('metadata:debezium:offsets')) === 1,
    );

    await debezium.stop();
    expect(debezium.pid).toBeGreaterThan(0);
  });

  test('MariaDB stack: settings, and Debezium streams an insert', async () => {
    const stack = await startStack({
      source: 'mariadb',
      dir: `${ctx.dir}/mariadb`,
      registry: ctx.registry,
    });
    const db = stack.source;
    expect(db.port).not.toBe(3306);
    expect(await db.query(`SHOW VARIABLES LIKE 'binlog_format'`)).toEqual([
      ['binlog_format', 'ROW'],
    ]);
    expect(await db.query(`SELECT @@log_bin, @@binlog_row_image, 'a\\tb', NULL`)).toEqual([
      ['1', 'FULL', 'a\tb', 'NULL'],
    ]);
    const rdi = connect(stack.rdi);
    await checkRedisSettings(rdi, connect(stack.target));

    await db.query(
      `CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(50)); INSERT INTO items VALUES (0, 'zero')`,
    );
    await stack.startDebezium(mariadbProperties(db, stack.rdi));
    const stream = `data:demo.${db.database}.items`;
    expect(opOf(fields(await entryAt(rdi, stream, 0)))).toBe('r');
    await db.query(`INSERT INTO items VALUES (1, 'one')`);
    const entry = fields(await entryAt(rdi, stream, 1));
    const value = JSON.parse(entry['value'] ?? '{}') as { payload: { op: string; after: unknown } };
    expect(value.payload.op).toBe('c');
    expect(value.payload.after).toEqual({ id: 1, name: 'one' });
    expect(await rdi.exists('metadata:debezium:schema_history')).toBe(1);
    // Debezium is stopped by the test context after this test.
  });
});
