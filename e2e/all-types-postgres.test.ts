// Every PostgreSQL 15 column type with edge values, through the real stack: the initial
// snapshot, then the same rows inserted while streaming; every field of every hash must equal
// the documented rendering (docs/types.md). Also: unchanged TOASTed values are kept.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../harness/pipeline.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { expectHash } from './support/target-reader.ts';
import {
  expectedHashes,
  hashDifferences,
  POSTGRES_STREAMING_DIFFERENCES,
  type ExpectedRows,
} from './support/type-expected.ts';
import {
  POSTGRES_TOAST_TABLE,
  POSTGRES_TYPE_SETUP,
  POSTGRES_TYPE_TABLE,
  postgresToastInsert,
  postgresTypeInserts,
} from './support/type-table-postgres.ts';

const ctx = useTestContext();
let stack: Stack<'postgresql'>;
let target: Redis;
const expected = expectedHashes('postgresql-all-types');
const STREAMED: ExpectedRows = Object.fromEntries(
  Object.entries(expected).map(([id, row]) => [
    id,
    { ...row, ...POSTGRES_STREAMING_DIFFERENCES[id] },
  ]),
);
const TABLE = POSTGRES_TYPE_TABLE;
const INSERTS = postgresTypeInserts;

const sql = (text: string): Promise<string[][]> => stack.source.query(text);

beforeAll(async () => {
  // Debezium's sink holds back while used_memory + 30,000 × entry size passes maxmemory:
  // a schema-carrying entry of this 35-column table is ~9 KB (docs/types.md).
  stack = await startStack({
    source: 'postgresql',
    dir: ctx.dir,
    registry: ctx.registry,
    rdiMaxmemory: '1gb',
  });
  await sql(POSTGRES_TYPE_SETUP + postgresTypeInserts(0) + postgresToastInsert(1));
  target = new Redis(stack.target.url);
  await startPipeline({
    stack,
    dir: `${ctx.dir}/pipeline`,
    registry: ctx.registry,
    sourceName: 'pg',
    tables: [POSTGRES_TYPE_TABLE, POSTGRES_TOAST_TABLE],
  });
});

afterAll(async () => {
  await target.quit();
});

describe('PostgreSQL types → Redis hashes', () => {
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

  it('keeps unchanged TOASTed values when another column changes', async () => {
    const key = `${POSTGRES_TOAST_TABLE}:id:1`;
    const [[bigText, bigBytea, bigJson, bigArray] = []] = await sql(
      `SELECT big_text, encode(big_bytea, 'base64'), big_json::text, array_to_json(big_array)::text
       FROM ${POSTGRES_TOAST_TABLE} WHERE id = 1`,
    );
    expect(bigText?.length).toBe(8192);
    const before = {
      id: '1',
      counter: '0',
      big_text: bigText ?? '',
      // PostgreSQL's base64 breaks lines every 76 characters.
      big_bytea: (bigBytea ?? '').replace(/\n/g, ''),
      big_json: bigJson ?? '',
      big_array: bigArray ?? '',
    };
    await expectHash(target, key, before);
    await sql(`UPDATE ${POSTGRES_TOAST_TABLE} SET counter = 1 WHERE id = 1`);
    await expectHash(target, key, { ...before, counter: '1' });
  });
});
