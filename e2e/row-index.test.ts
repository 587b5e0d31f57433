// The row index end to end: real PostgreSQL WITHOUT REPLICA IDENTITY FULL (updates carry no
// `before` row, deletes only the primary key) → Debezium Server → processor → target. A job keys
// customers by email and lists the emails in a set; order lines are members of their order's
// set. Emails change, rows are deleted, a line moves to another order, then TRUNCATE with
// `on_truncate: delete`: after every step the target holds exactly the expected keys.
// (A nested JSON entry moving to another parent needs RedisJSON, which no Debian package
// ships: processor/row-index.integration.test.ts covers it where the module is loaded.)
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../harness/pipeline.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';

const ctx = useTestContext();
let stack: Stack<'postgresql'>;
let target: Redis;
const sql = (text: string): Promise<string[][]> => stack.source.query(text);

const jobs = {
  'customers.yaml': `
source:
  table: customers
output:
  - uses: redis.write
    with:
      key:
        expression: '"customer:" & email'
      mapping: [id, email, name]
  - uses: redis.write
    with:
      data_type: set
      key:
        expression: '"customers:emails"'
      args:
        member: email
`,
  'order_lines.yaml': `
source:
  table: order_lines
output:
  - uses: redis.write
    with:
      data_type: set
      key:
        expression: '"order:" & order_id & ":lines"'
      args:
        member: $string(id)
`,
};

/** The target's data: every key but Sluice's own, with its content. */
async function contents(): Promise<Record<string, unknown>> {
  const keys = (await target.keys('*')).filter((key) => !key.startsWith('sluice:')).sort();
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const type = await target.type(key);
    out[key] =
      type === 'hash'
        ? await target.hgetall(key)
        : type === 'set'
          ? (await target.smembers(key)).sort()
          : type;
  }
  return out;
}

async function expectContents(what: string, expected: Record<string, unknown>): Promise<void> {
  let last: Record<string, unknown> = {};
  await waitFor(
    what,
    async () => {
      last = await contents();
      return JSON.stringify(last) === JSON.stringify(expected);
    },
    { timeoutMs: 60_000 },
  ).catch(() => undefined);
  expect(last).toEqual(expected);
}

const customer = (id: number, email: string, name: string) => ({
  [`customer:${email}`]: { id: String(id), email, name },
});

beforeAll(async () => {
  stack = await startStack({ source: 'postgresql', dir: ctx.dir, registry: ctx.registry });
  await sql(`
    CREATE TABLE customers (id integer PRIMARY KEY, email text NOT NULL, name text NOT NULL);
    CREATE TABLE orders (id integer PRIMARY KEY, note text NOT NULL);
    CREATE TABLE order_lines (id integer PRIMARY KEY, order_id integer NOT NULL, qty integer NOT NULL);
    INSERT INTO customers VALUES (1, 'ada@x.org', 'Ada'), (2, 'bob@x.org', 'Bob'), (3, 'cy@x.org', 'Cy');
    INSERT INTO orders VALUES (10, 'first'), (11, 'second');
    INSERT INTO order_lines VALUES (100, 10, 1), (101, 10, 2), (102, 11, 5);
  `);
  target = new Redis(stack.target.url);
  await startPipeline({
    stack,
    dir: `${ctx.dir}/pipeline`,
    registry: ctx.registry,
    sourceName: 'shop',
    tables: ['customers', 'orders', 'order_lines'],
    processorSettings: ['on_truncate: delete'],
    jobs,
  });
});

afterAll(async () => {
  await target.quit();
});

const orders = {
  'orders:id:10': { id: '10', note: 'first' },
  'orders:id:11': { id: '11', note: 'second' },
};

describe('the row index without REPLICA IDENTITY FULL', () => {
  it('writes the snapshot', async () => {
    await expectContents('the snapshot', {
      ...customer(1, 'ada@x.org', 'Ada'),
      ...customer(2, 'bob@x.org', 'Bob'),
      ...customer(3, 'cy@x.org', 'Cy'),
      'customers:emails': ['ada@x.org', 'bob@x.org', 'cy@x.org'],
      'order:10:lines': ['100', '101'],
      'order:11:lines': ['102'],
      ...orders,
    });
  });

  it('moves keys and members on updates that carry no before row', async () => {
    await sql(`
      UPDATE customers SET email = 'ada@y.org' WHERE id = 1;
      UPDATE customers SET name = 'Robert' WHERE id = 2;
      UPDATE order_lines SET order_id = 11 WHERE id = 101;
    `);
    await expectContents('the moved keys', {
      ...customer(1, 'ada@y.org', 'Ada'),
      ...customer(2, 'bob@x.org', 'Robert'),
      ...customer(3, 'cy@x.org', 'Cy'),
      'customers:emails': ['ada@y.org', 'bob@x.org', 'cy@x.org'],
      'order:10:lines': ['100'],
      'order:11:lines': ['101', '102'],
      ...orders,
    });
  });

  it('removes computed keys and members on deletes that carry only the key', async () => {
    await sql(`
      DELETE FROM customers WHERE id = 3;
      UPDATE customers SET email = 'ada@z.org' WHERE id = 1;
      DELETE FROM order_lines WHERE id = 100;
    `);
    await expectContents('the deletes', {
      ...customer(1, 'ada@z.org', 'Ada'),
      ...customer(2, 'bob@x.org', 'Robert'),
      'customers:emails': ['ada@z.org', 'bob@x.org'],
      'order:11:lines': ['101', '102'],
      ...orders,
    });
  });

  it('removes everything the rows of a truncated table placed (on_truncate: delete)', async () => {
    await sql(`
      TRUNCATE customers, order_lines;
      INSERT INTO customers VALUES (4, 'dee@x.org', 'Dee');
    `);
    await expectContents('the truncate', {
      ...customer(4, 'dee@x.org', 'Dee'),
      'customers:emails': ['dee@x.org'],
      ...orders,
    });
    expect(await target.hlen('sluice:rows:data:shop.public.customers')).toBe(1);
  });
});
