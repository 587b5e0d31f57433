// Source introspection against a real PostgreSQL and MariaDB: schemas/databases, tables,
// column types and composite primary keys; secrets resolved for deployed pipelines only;
// metadata addresses refused before any connection.
import { beforeAll, describe, expect, it } from 'vitest';
import { startMariadb, type MariadbInstance } from '../harness/mariadb.ts';
import { startPostgres, type PostgresInstance } from '../harness/postgres.ts';
import { useTestContext } from '../harness/test-context.ts';
import { useApiFixture } from './testing/api-fixture.ts';

const api = useApiFixture();
const ctx = useTestContext();
let pgServer: PostgresInstance;
let maria: MariadbInstance;

beforeAll(async () => {
  [pgServer, maria] = await Promise.all([
    startPostgres({ dir: `${ctx.dir}/pg`, registry: ctx.registry }),
    startMariadb({ dir: `${ctx.dir}/maria`, registry: ctx.registry }),
  ]);
  await pgServer.query(`CREATE SCHEMA shop;
    CREATE TABLE shop.orders (id bigint PRIMARY KEY, total numeric(10,2) NOT NULL, note text);
    CREATE TABLE shop.lines (order_id bigint, line int, sku varchar(40), PRIMARY KEY (line, order_id));
    CREATE TABLE public.other (x int);`);
  await maria.query(`CREATE TABLE sluice.people (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, born DATE);
    CREATE TABLE sluice.pairs (a INT, b INT, PRIMARY KEY (b, a));`);
  await api.rdi.hset(
    'sluice:secrets',
    'SOURCE_DB_PASSWORD',
    pgServer.password,
    'MARIA_PW',
    maria.password,
  );
  const config = `sources:
  pg:
    type: cdc
    connection:
      type: postgresql
      host: 127.0.0.1
      port: ${pgServer.port}
      database: ${pgServer.database}
      user: ${pgServer.user}
      password: \${SOURCE_DB_PASSWORD}
    schemas: [shop]
  maria:
    type: cdc
    connection:
      type: mariadb
      host: 127.0.0.1
      port: ${maria.port}
      user: ${maria.user}
      password: \${MARIA_PW}
    databases: [sluice]
targets:
  target:
    connection:
      type: redis
      host: 127.0.0.1
      port: ${api.rdiPort}
`;
  const created = await api.call({
    method: 'POST',
    url: '/api/v2/pipelines',
    payload: { name: 'default', config },
  });
  expect(created.statusCode).toBe(201);
});

interface Schemas {
  type: string;
  namespace_kind: string;
  schemas: {
    name: string;
    tables: {
      name: string;
      primary_key: string[];
      columns: { name: string; type: string; nullable: boolean }[];
    }[];
  }[];
}

describe('source schemas', () => {
  it('lists the PostgreSQL schemas of the source with columns, types and keys', async () => {
    const response = await api.call({
      method: 'GET',
      url: '/api/v2/pipelines/default/source-schemas/pg',
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<Schemas>();
    expect(body).toMatchObject({ source: 'pg', type: 'postgresql', namespace_kind: 'schema' });
    expect(body.schemas.map((s) => s.name)).toEqual(['shop']);
    const [lines, orders] = body.schemas[0]?.tables ?? [];
    expect(lines).toMatchObject({ name: 'lines', primary_key: ['line', 'order_id'] });
    expect(orders?.columns).toEqual([
      { name: 'id', type: 'bigint', nullable: false, primary_key_position: 1 },
      { name: 'total', type: 'numeric(10,2)', nullable: false },
      { name: 'note', type: 'text', nullable: true },
    ]);
  });

  it('lists the MariaDB databases of the source', async () => {
    const response = await api.call({
      method: 'GET',
      url: '/api/v2/pipelines/default/source-schemas/maria',
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<Schemas>();
    expect(body).toMatchObject({ type: 'mariadb', namespace_kind: 'database' });
    const tables = body.schemas[0]?.tables ?? [];
    expect(tables.map((t) => [t.name, t.primary_key])).toEqual([
      ['pairs', ['b', 'a']],
      ['people', ['id']],
    ]);
    expect(tables[1]?.columns.map((c) => [c.name, c.type, c.nullable])).toEqual([
      ['id', 'int(11)', false],
      ['name', 'varchar(40)', false],
      ['born', 'date', true],
    ]);
  });

  it('introspects posted connection details before a deploy, without secret references', async () => {
    const connection = {
      type: 'postgresql',
      host: '127.0.0.1',
      port: pgServer.port,
      database: pgServer.database,
      user: pgServer.user,
      password: pgServer.password,
    };
    const response = await api.call({
      method: 'POST',
      url: '/api/v2/source-schemas',
      payload: { connection, schemas: ['public'] },
    });
    expect(response.statusCode).toBe(200);
    expect(
      response.json<Schemas>().schemas.map((s) => [s.name, s.tables.map((t) => t.name)]),
    ).toEqual([['public', ['other']]]);
    const reference = await api.call({
      method: 'POST',
      url: '/api/v2/source-schemas',
      payload: { connection: { ...connection, password: '${SOURCE_DB_PASSWORD}' } },
    });
    expect(reference.statusCode).toBe(400);
    expect(reference.json()).toMatchObject({
      code: 'REQUEST_INVALID',
      path: 'body.connection.password',
    });
    const wrong = await api.call({
      method: 'POST',
      url: '/api/v2/source-schemas',
      payload: { connection: { ...connection, password: 'wrong-canary' } },
    });
    expect(wrong.statusCode).toBe(502);
    expect(wrong.json()).toMatchObject({ code: 'CONNECTION_FAILED', path: 'body.connection' });
    expect(wrong.body).not.toContain('wrong-canary');
  });

  it('refuses metadata and link-local addresses, unknown sources and invalid bodies', async () => {
    const cases: [string, string, object | undefined, number, string, string][] = [
      [
        'POST',
        '/api/v2/source-schemas',
        { connection: { type: 'mysql', host: '169.254.169.254' } },
        400,
        'ADDRESS_FORBIDDEN',
        'body.connection.host',
      ],
      [
        'POST',
        '/api/v2/source-schemas',
        { connection: { type: 'mysql', host: 'metadata.google.internal' } },
        400,
        'ADDRESS_FORBIDDEN',
        'body.connection.host',
      ],
      [
        'POST',
        '/api/v2/source-schemas',
        { connection: { type: 'oracle', host: 'db' } },
        400,
        'REQUEST_INVALID',
        'body.connection.type',
      ],
      [
        'POST',
        '/api/v2/source-schemas',
        { connection: { type: 'mysql' } },
        400,
        'REQUEST_INVALID',
        'body.connection.host',
      ],
      [
        'GET',
        '/api/v2/pipelines/default/source-schemas/nope',
        undefined,
        404,
        'SOURCE_NOT_FOUND',
        'params.source',
      ],
    ];
    for (const [method, url, payload, status, code, path] of cases) {
      const response = await api.call({
        method: method,
        url,
        ...(payload === undefined ? {} : { payload }),
      });
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.json(), JSON.stringify(payload)).toMatchObject({ code, path });
    }
    const missing = await api.call({
      method: 'GET',
      url: '/api/v2/pipelines/none/source-schemas/pg',
    });
    expect(missing.statusCode).toBe(404);
  });
});
