// End to end with MariaDB: real MariaDB (binlog, ROW) → real Debezium Server → RDI Redis →
// processor process → target Redis. Snapshot, insert, update, delete, composite key and a
// primary-key change, checked key by key.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startPipeline } from '../harness/pipeline.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { expectGone, expectHash } from './support/target-reader.ts';

const ctx = useTestContext();
let stack: Stack<'mariadb'>;
let target: Redis;

const sql = (text: string): Promise<string[][]> => stack.source.query(text);

beforeAll(async () => {
  stack = await startStack({ source: 'mariadb', dir: ctx.dir, registry: ctx.registry });
  await sql(`
    CREATE TABLE customers (id int PRIMARY KEY, name varchar(100) NOT NULL, balance decimal(12,2),
      born date, seen datetime(6), vip tinyint(1), big bigint unsigned, note text);
    CREATE TABLE order_items (order_id bigint, line_no int, sku varchar(20) NOT NULL, quantity int,
      PRIMARY KEY (order_id, line_no));
    INSERT INTO customers VALUES
      (1, 'Ada', 1234567890.12, '1815-12-10', '2024-01-02 03:04:05.123456', 1, 18446744073709551615, NULL),
      (2, 'Grace', -0.05, '1906-12-09', '2024-06-30 23:59:59', 0, 0, 'admiral');
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

const ada = {
  id: '1',
  name: 'Ada',
  balance: '1234567890.12',
  born: '1815-12-10',
  seen: '2024-01-02T03:04:05.123456',
  // tinyint(1) is an integer column in MariaDB (it can hold 0..127): its value is kept.
  vip: '1',
  big: '18446744073709551615',
};

describe('MariaDB → Redis', () => {
  it('copies the rows present at start through the initial snapshot, with exact values', async () => {
    await expectHash(target, 'customers:id:1', ada);
    await expectHash(target, 'customers:id:2', {
      id: '2',
      name: 'Grace',
      balance: '-0.05',
      born: '1906-12-09',
      seen: '2024-06-30T23:59:59',
      vip: '0',
      big: '0',
      note: 'admiral',
    });
    await expectHash(target, 'order_items:order_id:10:line_no:1', {
      order_id: '10',
      line_no: '1',
      sku: 'KB-01',
      quantity: '2',
    });
  });

  it('applies inserts, updates (NULL removes the field) and deletes', async () => {
    await sql(`INSERT INTO customers (id, name, balance) VALUES (3, 'Edsger', 0)`);
    await expectHash(target, 'customers:id:3', { id: '3', name: 'Edsger', balance: '0.00' });
    await sql(`UPDATE customers SET name = 'Grace Hopper', note = NULL WHERE id = 2`);
    await expectHash(target, 'customers:id:2', {
      id: '2',
      name: 'Grace Hopper',
      balance: '-0.05',
      born: '1906-12-09',
      seen: '2024-06-30T23:59:59',
      vip: '0',
      big: '0',
    });
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
    await expectHash(target, 'customers:id:100', { ...ada, id: '100' });
  });
});
