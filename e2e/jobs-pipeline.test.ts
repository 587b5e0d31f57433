// End to end with transformation jobs: real PostgreSQL → Debezium Server → processor running
// JSONata and JMESPath jobs → hash (custom key, mapping, expire), set, sorted set, stream and
// string outputs, a filter, and key moves on update. (JSON outputs need RedisJSON, which no
// Debian package ships: their command plans are covered by the job engine's unit tests.)
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../harness/pipeline.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import { expectGone, expectHash } from './support/target-reader.ts';

const ctx = useTestContext();
let stack: Stack<'postgresql'>;
let target: Redis;
const sql = (text: string): Promise<string[][]> => stack.source.query(text);

const jobs = {
  'products.yaml': `
source:
  table: products
transform:
  - uses: add_field
    with:
      field: price_cents
      expression: $string($round($number(price) * 100))
output:
  - uses: redis.write
    with:
      data_type: hash
      key:
        expression: "'product:' & sku"
      mapping:
        - sku
        - title: name
        - price
        - price_cents
      expire: 3600
`,
  'orders.yaml': `
source:
  table: orders
output:
  - uses: redis.write
    with:
      data_type: sorted_set
      key:
        expression: "'orders:by_total'"
      args:
        score: total
        member: $string(id)
  - uses: redis.write
    with:
      data_type: set
      key:
        expression: "'orders:status:' & status"
      args:
        member: $string(id)
  - uses: redis.write
    with:
      data_type: stream
      key:
        expression: "'orders:audit'"
      mapping:
        - id
        - status
  - uses: redis.write
    with:
      data_type: string
      key:
        expression: "'order:' & id & ':status'"
      args:
        value: status
`,
  'customers.yaml': `
source:
  table: customers
transform:
  - uses: filter
    with:
      language: jmespath
      expression: country == 'US'
  - uses: add_field
    with:
      language: jmespath
      field: display
      expression: upper(name)
`,
};

beforeAll(async () => {
  stack = await startStack({ source: 'postgresql', dir: ctx.dir, registry: ctx.registry });
  await sql(`
    CREATE TABLE products (sku text PRIMARY KEY, title text NOT NULL, price numeric(10,2) NOT NULL);
    CREATE TABLE orders (id integer PRIMARY KEY, status text NOT NULL, total numeric(10,2) NOT NULL);
    CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL, country text NOT NULL);
    -- The set key depends on a non-key column: moving a member needs the old row, which
    -- PostgreSQL sends only with REPLICA IDENTITY FULL (docs/jobs.md, "Moved keys").
    ALTER TABLE orders REPLICA IDENTITY FULL;
    ALTER TABLE products REPLICA IDENTITY FULL;
    INSERT INTO products VALUES ('KB-01', 'Keyboard', 129.90);
    INSERT INTO orders VALUES (1, 'new', 42.50), (2, 'paid', 10.00);
    INSERT INTO customers VALUES (1, 'Grace', 'US'), (2, 'Ada', 'GB');
  `);
  target = new Redis(stack.target.url);
  await startPipeline({
    stack,
    dir: `${ctx.dir}/pipeline`,
    registry: ctx.registry,
    sourceName: 'shop',
    tables: ['products', 'orders', 'customers'],
    jobs,
  });
});

afterAll(async () => {
  await target.quit();
});

describe('jobs on the real stack', () => {
  it('writes a hash with a computed key, a mapping with aliases and an expiry', async () => {
    await expectHash(target, 'product:KB-01', {
      sku: 'KB-01',
      name: 'Keyboard',
      price: '129.90',
      price_cents: '12990',
    });
    const ttl = await target.ttl('product:KB-01');
    expect(ttl).toBeGreaterThan(3000);
    expect(ttl).toBeLessThanOrEqual(3600);
  });

  it('writes sorted set, set, stream and string outputs from one job', async () => {
    await waitFor('the orders outputs', async () => (await target.zcard('orders:by_total')) === 2);
    expect(await target.zrange('orders:by_total', 0, -1, 'WITHSCORES')).toEqual([
      '2',
      '10',
      '1',
      '42.5',
    ]);
    expect(await target.smembers('orders:status:new')).toEqual(['1']);
    expect(await target.get('order:2:status')).toBe('paid');
    const audit = await target.xrange('orders:audit', '-', '+');
    expect(audit.map(([, fields]) => fields)).toEqual([
      ['id', '1', 'status', 'new', 'op_code', 'r'],
      ['id', '2', 'status', 'paid', 'op_code', 'r'],
    ]);
  });

  it('moves set members on update and removes them on delete', async () => {
    await sql(`UPDATE orders SET status = 'paid' WHERE id = 1`);
    await waitFor(
      'order 1 in the paid set',
      async () => (await target.sismember('orders:status:paid', '1')) === 1,
    );
    expect(await target.sismember('orders:status:new', '1')).toBe(0);
    await sql(`DELETE FROM orders WHERE id = 2`);
    await waitFor(
      'order 2 gone from the sorted set',
      async () => (await target.zscore('orders:by_total', '2')) === null,
    );
    await expectGone(target, 'order:2:status');
    expect(await target.sismember('orders:status:paid', '2')).toBe(0);
  });

  it('filters rows with a JMESPath expression and adds fields with RDI functions', async () => {
    await expectHash(target, 'customers:id:1', {
      id: '1',
      name: 'Grace',
      country: 'US',
      display: 'GRACE',
    });
    await sql(`INSERT INTO customers VALUES (3, 'Linus', 'FI'), (4, 'Radia', 'US')`);
    await expectHash(target, 'customers:id:4', {
      id: '4',
      name: 'Radia',
      country: 'US',
      display: 'RADIA',
    });
    expect(await target.exists('customers:id:2', 'customers:id:3')).toBe(0);
  });

  it('removes the old key when an update changes the computed key', async () => {
    await sql(`UPDATE products SET sku = 'KB-02' WHERE sku = 'KB-01'`);
    await expectHash(target, 'product:KB-02', {
      sku: 'KB-02',
      name: 'Keyboard',
      price: '129.90',
      price_cents: '12990',
    });
    await expectGone(target, 'product:KB-01');
  });
});
