// Every MariaDB 10.11 column type with edge values, through the real stack: the initial
// snapshot, then the same rows inserted while streaming; every field of every hash must equal
// the documented rendering (docs/types.md).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../harness/pipeline.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { expectHash } from './support/target-reader.ts';
import { expectedHashes, hashDifferences } from './support/type-expected.ts';
import {
  MARIADB_TYPE_SETUP,
  MARIADB_TYPE_TABLE,
  mariadbTypeInserts,
} from './support/type-table-mariadb.ts';

const ctx = useTestContext();
let stack: Stack<'mariadb'>;
let target: Redis;
const expected = expectedHashes('mariadb-all-types');
const STREAMED = expected;
const TABLE = MARIADB_TYPE_TABLE;
const INSERTS = mariadbTypeInserts;

const sql = (text: string): Promise<string[][]> => stack.source.query(text);

beforeAll(async () => {
  // Debezium's sink holds back while used_memory + 30,000 × entry size passes maxmemory:
  // a schema-carrying entry of this 36-column table is ~9 KB (docs/types.md).
  stack = await startStack({
    source: 'mariadb',
    dir: ctx.dir,
    registry: ctx.registry,
    rdiMaxmemory: '1gb',
  });
  await sql(MARIADB_TYPE_SETUP + mariadbTypeInserts(0));
  target = new Redis(stack.target.url);
  await startPipeline({
    stack,
    dir: `${ctx.dir}/pipeline`,
    registry: ctx.registry,
    sourceName: 'maria',
    tables: [MARIADB_TYPE_TABLE],
  });
});

afterAll(async () => {
  await target.quit();
});

describe('MariaDB types → Redis hashes', () => {
  it('renders every type exactly through the initial snapshot', async () => {
    // The NULL row is inserted last: once it is there, every earlier row is too.
    await expectHash(target, `${TABLE}:id:4`, { id: '4' });
    expect(await hashDifferences(target, TABLE, expected, 0)).toEqual({});
  });

  it('renders every type exactly while streaming', async () => {
    await sql(INSERTS(100));
    await expectHash(target, `${TABLE}:id:104`, { id: '104' });
    expect(await hashDifferences(target, TABLE, STREAMED, 100)).toEqual({});
  });
});
