// JSON outputs end to end: real PostgreSQL → Debezium Server → processor → a target Redis that
// loads RedisJSON. Jobs write JSON documents (JSON.SET), merge them (on_update: merge), nest
// child rows into their parent's document (insert, update, delete, move to another parent), and
// the default job writes tables without a job as documents (target_data_type: json).
//
// No Debian package ships RedisJSON, so that part runs only where SLUICE_REDISJSON_MODULE names
// the module's .so file (e.g. librejson.so from a RedisJSON build or a Redis Stack install); it
// is skipped otherwise, with the reason in its title. The command plans of every JSON output are
// checked without the module by processor/jobs/json-outputs.test.ts and outputs.test.ts.
// What always runs: without the module, a pipeline that writes JSON stops at start-up with
// TARGET_JSON_MODULE_MISSING instead of failing record by record.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelineConfigText, startPipeline } from '../harness/pipeline.ts';
import { startProcessorProcess } from '../harness/processor-process.ts';
import { startRedis } from '../harness/redis.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import { expectGone } from './support/target-reader.ts';

const ctx = useTestContext();

const MODULE = process.env['SLUICE_REDISJSON_MODULE'];
const HOW_TO_RUN =
  'run: SLUICE_REDISJSON_MODULE=/path/to/librejson.so npx vitest run --project e2e e2e/json-outputs.test.ts';
const moduleProblem =
  MODULE === undefined || MODULE === ''
    ? 'SLUICE_REDISJSON_MODULE is not set (no Debian package ships RedisJSON)'
    : existsSync(MODULE)
      ? undefined
      : `SLUICE_REDISJSON_MODULE names ${MODULE}, which does not exist`;
const WITH_MODULE =
  moduleProblem === undefined
    ? 'JSON outputs on a target with RedisJSON'
    : `JSON outputs on a target with RedisJSON — skipped: ${moduleProblem}; ${HOW_TO_RUN}`;

const JOBS = {
  'customers.yaml': `
source:
  table: customers
output:
  - uses: redis.write
    with:
      data_type: json
      key:
        expression: "'customer:' & id"
      mapping:
        - id
        - name
        - city: address.city
  - uses: redis.write
    with:
      data_type: json
      on_update: merge
      key:
        expression: "'profile:' & id"
      mapping:
        - id
        - email
`,
  'orders.yaml': `
source:
  table: orders
output:
  - uses: redis.write
    with:
      data_type: json
      on_update: merge
`,
  'order_lines.yaml': `
source:
  table: order_lines
output:
  - uses: redis.write
    with:
      data_type: json
      on_update: merge
      nest:
        parent:
          table: orders
        nesting_key: id
        parent_key: id
        child_key: order_id
        path: $.lines
        structure: map
`,
};

const SETUP = `
  CREATE TABLE customers (id integer PRIMARY KEY, name text, email text, city text);
  CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer, total numeric(10,2), status text);
  CREATE TABLE order_lines (id integer PRIMARY KEY, order_id integer, sku text, qty integer);
  -- A child's move and delete need its old parent: the whole before row.
  ALTER TABLE order_lines REPLICA IDENTITY FULL;
  CREATE TABLE notes (id integer PRIMARY KEY, body text, big bigint, ratio double precision,
    flag boolean, day date, amount numeric(10,2));
  INSERT INTO customers VALUES (1, 'Ada', 'ada@x.org', 'London'), (2, 'Bob', 'bob@x.org', 'Oslo');
  INSERT INTO orders VALUES (10, 1, 12.30, 'new'), (11, 2, 5.00, 'new');
  INSERT INTO order_lines VALUES (100, 10, 'A-1', 1), (101, 10, 'B-2', 2), (102, 11, 'C-3', 3);
  INSERT INTO notes VALUES (1, 'hi', 9007199254740993, 'NaN', true, '2024-02-29', 12.5);
`;

const line = (id: number, orderId: number, sku: string, qty: number) => ({
  id,
  order_id: orderId,
  sku,
  qty,
});

describe.skipIf(moduleProblem !== undefined)(WITH_MODULE, () => {
  let stack: Stack<'postgresql'>;
  let target: Redis | undefined;
  const sql = (text: string): Promise<string[][]> => stack.source.query(text);

  /** Waits until `key` holds exactly `expected` (JSON.GET of the whole document). */
  async function expectDocument(key: string, expected: unknown): Promise<void> {
    const client = target;
    if (client === undefined) throw new Error('the target is not connected');
    let seen: unknown;
    await waitFor(
      `${key} to hold ${JSON.stringify(expected)}`,
      async () => {
        const text = (await client.call('JSON.GET', key)) as string | null;
        seen = text === null ? null : (JSON.parse(text) as unknown);
        if (isDeepStrictEqual(seen, expected)) return true;
        throw new Error(`it holds ${JSON.stringify(seen)}`);
      },
      { timeoutMs: 90_000, intervalMs: 100 },
    );
  }

  beforeAll(async () => {
    stack = await startStack({ source: 'postgresql', dir: ctx.dir, registry: ctx.registry });
    const jsonTarget = await startRedis({
      dir: join(ctx.dir, 'json-target-redis'),
      registry: ctx.registry,
      modules: [MODULE ?? ''],
    });
    await sql(SETUP);
    target = new Redis(jsonTarget.url);
    await startPipeline({
      // The pipeline writes to the target that has the module.
      stack: { ...stack, target: jsonTarget },
      dir: join(ctx.dir, 'pipeline'),
      registry: ctx.registry,
      sourceName: 'shop',
      tables: ['customers', 'orders', 'order_lines', 'notes'],
      processorSettings: ['target_data_type: json'],
      jobs: JOBS,
    });
  });

  afterAll(async () => {
    await target?.quit();
  });

  it('writes, merges and nests documents through the initial snapshot', async () => {
    await expectDocument('customer:1', { id: 1, name: 'Ada', address: { city: 'London' } });
    await expectDocument('profile:2', { id: 2, email: 'bob@x.org' });
    await expectDocument('orders:id:10', {
      id: 10,
      customer_id: 1,
      total: '12.30',
      status: 'new',
      lines: { '100': line(100, 10, 'A-1', 1), '101': line(101, 10, 'B-2', 2) },
    });
    await expectDocument('orders:id:11', {
      id: 11,
      customer_id: 2,
      total: '5.00',
      status: 'new',
      lines: { '102': line(102, 11, 'C-3', 3) },
    });
  });

  it('writes tables without a job as documents with the default job (target_data_type: json)', async () => {
    await expectDocument('notes:id:1', {
      id: 1,
      body: 'hi',
      big: 9007199254740992, // JSON.parse rounds; the stored digits are checked below
      ratio: 'NaN',
      flag: true,
      day: '2024-02-29',
      amount: '12.50',
    });
    expect(await target?.call('JSON.GET', 'notes:id:1', '$.big')).toBe('[9007199254740993]');
  });

  it('replaces, merges, and moves, updates and deletes nested children while streaming', async () => {
    await sql(`
      UPDATE customers SET city = 'Paris', email = 'ada@new.org' WHERE id = 1;
      UPDATE orders SET status = 'paid' WHERE id = 10;
      UPDATE order_lines SET qty = 5 WHERE id = 100;
      UPDATE order_lines SET order_id = 11 WHERE id = 101;
      DELETE FROM order_lines WHERE id = 102;
      INSERT INTO order_lines VALUES (103, 10, 'D-4', 4);
      DELETE FROM customers WHERE id = 2;
      UPDATE notes SET flag = false, body = 'bye' WHERE id = 1;
    `);
    await expectDocument('customer:1', { id: 1, name: 'Ada', address: { city: 'Paris' } });
    await expectDocument('profile:1', { id: 1, email: 'ada@new.org' });
    // The order's merge keeps its nested lines; moved and deleted lines leave their old parent.
    await expectDocument('orders:id:10', {
      id: 10,
      customer_id: 1,
      total: '12.30',
      status: 'paid',
      lines: { '100': line(100, 10, 'A-1', 5), '103': line(103, 10, 'D-4', 4) },
    });
    await expectDocument('orders:id:11', {
      id: 11,
      customer_id: 2,
      total: '5.00',
      status: 'new',
      lines: { '101': line(101, 11, 'B-2', 2) },
    });
    const client = target;
    if (client === undefined) throw new Error('the target is not connected');
    await expectGone(client, 'customer:2');
    await expectGone(client, 'profile:2');
    await expectDocument('notes:id:1', {
      id: 1,
      body: 'bye',
      big: 9007199254740992,
      ratio: 'NaN',
      flag: false,
      day: '2024-02-29',
      amount: '12.50',
    });
    await sql('DELETE FROM notes WHERE id = 1; DELETE FROM orders WHERE id = 11;');
    await expectGone(client, 'notes:id:1');
    await expectGone(client, 'orders:id:11');
  });
});

describe('JSON outputs on a target without RedisJSON', () => {
  /**
   * Starts the real processor on a pipeline folder whose target is a plain redis-server, and
   * returns why it did not start. No source database is needed: it stops before reading.
   */
  async function startFailure(
    name: string,
    processorSettings: readonly string[],
    jobs: Readonly<Record<string, string>>,
  ): Promise<string> {
    const dir = join(ctx.dir, name);
    const [rdi, target] = await Promise.all([
      startRedis({
        dir: join(dir, 'rdi-redis'),
        registry: ctx.registry,
        maxmemory: '64mb',
        policy: 'noeviction',
      }),
      startRedis({ dir: join(dir, 'target-redis'), registry: ctx.registry }),
    ]);
    const probe = new Redis(target.url);
    const info = (await probe.call('COMMAND', 'INFO', 'JSON.SET')) as unknown[];
    await probe.quit();
    expect(info[0], 'this redis-server has RedisJSON built in').toBeFalsy();
    await mkdir(join(dir, 'jobs'), { recursive: true });
    const configFile = join(dir, 'config.yaml');
    await writeFile(
      configFile,
      pipelineConfigText('postgresql', {
        sourceName: 'shop',
        database: 'shop',
        tables: ['customers'],
        processorSettings,
      }),
    );
    for (const [file, text] of Object.entries(jobs)) await writeFile(join(dir, 'jobs', file), text);
    const env = {
      SOURCE_DB_HOST: '127.0.0.1',
      SOURCE_DB_PORT: '5432',
      SOURCE_DB_USERNAME: 'unused',
      SOURCE_DB_PASSWORD: 'unused',
      TARGET_DB_HOST: target.host,
      TARGET_DB_PORT: String(target.port),
    };
    try {
      await startProcessorProcess({
        dir,
        registry: ctx.registry,
        configFile,
        rdiUrl: rdi.url,
        env,
      });
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    throw new Error('the processor started although the target has no RedisJSON');
  }

  it('a job with a json output: the processor exits with TARGET_JSON_MODULE_MISSING', async () => {
    const reason = await startFailure('job-output', [], {
      'customers.yaml': JOBS['customers.yaml'],
    });
    expect(reason).toContain('processor exited with code 2');
    expect(reason).toMatch(
      /TARGET_JSON_MODULE_MISSING: The target 'target' has no RedisJSON module, but a job writes JSON documents to it/,
    );
    expect(reason).toContain('data_type hash');
  });

  it('a nest output, and the default job with target_data_type: json, fail the same way', async () => {
    const nest = await startFailure('nest-output', [], {
      'order_lines.yaml': JOBS['order_lines.yaml'],
    });
    expect(nest).toContain('TARGET_JSON_MODULE_MISSING');
    const fallback = await startFailure('default-json', ['target_data_type: json'], {});
    expect(fallback).toContain('TARGET_JSON_MODULE_MISSING');
  });
});
