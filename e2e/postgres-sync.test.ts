// End to end with PostgreSQL: real PostgreSQL → real Debezium Server → RDI Redis → processor
// process → target Redis. Rows present at start arrive through the snapshot; then inserts,
// updates, deletes, a composite key and a primary-key change, checked key by key.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../harness/pipeline.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { expectGone, expectHash } from './support/target-reader.ts';

const ctx = useTestContext();
let stack: Stack<'postgresql'>;
let target: Redis;

const sql = (text: string): Promise<string[][]> => stack.source.query(text);

beforeAll(async () => {
  stack = await startStack({ source: 'postgresql', dir: ctx.dir, registry: ctx.registry });
  await sql(`
    CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL, balance numeric(12,2),
      born date, seen timestamp(6), vip boolean, note text);
    CREATE TABLE order_items (order_id bigint, line_no integer, sku text NOT NULL, quantity integer,
      PRIMARY KEY (order_id, line_no));
    INSERT INTO customers VALUES
      (1, 'Ada', 1234567890.12, '1815-12-10', '2024-01-02 03:04:05.123456', true, NULL),
      (2, 'Grace', -0.05, '1906-12-09', '2024-06-30 23:59:59', false, 'admiral');
    INSERT INTO order_items VALUES (10, 1, 'KB-01', 2), (10, 2, 'MS-02', 1);
  `);
  target = new Redis(stack.target.url);
  await startPipeline({
    stack,
    dir: `${ctx.dir}/pipeline`,
    registry: ctx.registry,
    sourceName: 'shop',
    tables: ['customers', 'order_items'],
  });
});

afterAll(async () => {
  await target.quit();
});

describe('PostgreSQL → Redis', () => {
  it('copies the rows present at start through the initial snapshot, with exact values', async () => {
    await expectHash(target, 'customers:id:1', {
      id: '1',
      name: 'Ada',
      balance: '1234567890.12',
      born: '1815-12-10',
      seen: '2024-01-02T03:04:05.123456',
      vip: 'true',
    });
    await expectHash(target, 'customers:id:2', {
      id: '2',
      name: 'Grace',
      balance: '-0.05',
      born: '1906-12-09',
      seen: '2024-06-30T23:59:59',
      vip: 'false',
      note: 'admiral',
    });
    await expectHash(target, 'order_items:order_id:10:line_no:1', {
      order_id: '10',
      line_no: '1',
      sku: 'KB-01',
      quantity: '2',
    });
  });

  it('applies an insert', async () => {
    await sql(`INSERT INTO customers (id, name, balance) VALUES (3, 'Edsger', 0)`);
    await expectHash(target, 'customers:id:3', { id: '3', name: 'Edsger', balance: '0.00' });
  });

  it('applies an update, removing a field that became NULL', async () => {
    await sql(`UPDATE customers SET name = 'Grace Hopper', note = NULL WHERE id = 2`);
    await expectHash(target, 'customers:id:2', {
      id: '2',
      name: 'Grace Hopper',
      balance: '-0.05',
      born: '1906-12-09',
      seen: '2024-06-30T23:59:59',
      vip: 'false',
    });
  });

  it('applies a delete (without REPLICA IDENTITY FULL)', async () => {
    await sql(`DELETE FROM customers WHERE id = 3`);
    await expectGone(target, 'customers:id:3');
  });

  it('applies changes to a composite-key table', async () => {
    await sql(`INSERT INTO order_items VALUES (11, 1, 'MN-27', 1)`);
    await sql(`UPDATE order_items SET quantity = 5 WHERE order_id = 10 AND line_no = 2`);
    await sql(`DELETE FROM order_items WHERE order_id = 10 AND line_no = 1`);
    await expectHash(target, 'order_items:order_id:11:line_no:1', {
      order_id: '11',
      line_no: '1',
      sku: 'MN-27',
      quantity: '1',
    });
    await expectHash(target, 'order_items:order_id:10:line_no:2', {
      order_id: '10',
      line_no: '2',
      sku: 'MS-02',
      quantity: '5',
    });
    await expectGone(target, 'order_items:order_id:10:line_no:1');
  });

  it('moves the row when its primary key changes', async () => {
    await sql(`UPDATE customers SET id = 100 WHERE id = 1`);
    await expectGone(target, 'customers:id:1');
    await expectHash(target, 'customers:id:100', {
      id: '100',
      name: 'Ada',
      balance: '1234567890.12',
      born: '1815-12-10',
      seen: '2024-01-02T03:04:05.123456',
      vip: 'true',
    });
  });

  it('leaves only the last acknowledged entry of each stream in the RDI database', async () => {
    const rdi = new Redis(stack.rdi.url);
    try {
      const lengths = await Promise.all(
        ['data:shop.public.customers', 'data:shop.public.order_items'].map((s) => rdi.xlen(s)),
      );
      for (const length of lengths) expect(length).toBeLessThanOrEqual(1);
    } finally {
      await rdi.quit();
    }
  });
});
