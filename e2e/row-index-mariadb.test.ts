// TRUNCATE with `on_truncate: delete` on MariaDB: real MariaDB (binlog, ROW) → real Debezium
// Server → processor → target. Debezium's MariaDB connector emits a truncate event once
// `skipped.operations=none`; the default job's rows are indexed, so the truncate removes
// exactly the table's keys, and rows inserted after it are written again.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../harness/pipeline.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import { expectHash } from './support/target-reader.ts';

const ctx = useTestContext();
let stack: Stack<'mariadb'>;
let target: Redis;
const sql = (text: string): Promise<string[][]> => stack.source.query(text);

beforeAll(async () => {
  stack = await startStack({ source: 'mariadb', dir: ctx.dir, registry: ctx.registry });
  await sql(`
    CREATE TABLE customers (id int PRIMARY KEY, name varchar(100) NOT NULL);
    CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL);
    INSERT INTO customers VALUES (1, 'Ada'), (2, 'Grace');
    INSERT INTO notes VALUES (1, 'kept');
  `);
  target = new Redis(stack.target.url);
  await startPipeline({
    stack,
    dir: `${ctx.dir}/pipeline`,
    registry: ctx.registry,
    sourceName: 'shop',
    tables: ['customers', 'notes'],
    processorSettings: ['on_truncate: delete'],
  });
});

afterAll(async () => {
  await target.quit();
});

const dataKeys = async () =>
  (await target.keys('*')).filter((key) => !key.startsWith('sluice:')).sort();

describe('MariaDB TRUNCATE with on_truncate: delete', () => {
  it('removes the keys of the truncated table only', async () => {
    await expectHash(target, 'customers:id:2', { id: '2', name: 'Grace' });
    await sql(`INSERT INTO customers VALUES (3, 'Linus')`);
    await expectHash(target, 'customers:id:3', { id: '3', name: 'Linus' });
    await sql(`TRUNCATE TABLE customers`);
    await sql(`INSERT INTO customers VALUES (4, 'Radia')`);
    await expectHash(target, 'customers:id:4', { id: '4', name: 'Radia' });
    await waitFor('the truncated keys gone', async () => (await dataKeys()).length === 2).catch(
      () => undefined,
    );
    expect(await dataKeys()).toEqual(['customers:id:4', 'notes:id:1']);
  });
});
