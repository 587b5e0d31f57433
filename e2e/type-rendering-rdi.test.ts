// `processors.type_rendering: rdi` through the real stack: PostgreSQL and MariaDB tables of
// dates, times, timestamps (with and without zone) and booleans with edge values, through the
// initial snapshot and then the same rows inserted while streaming. Every field of every hash
// must equal docs/types.md's RDI table: dates as epoch ms, times as µs past midnight,
// timestamps as epoch ms with the µs as fraction (the nearest double), zoned times as seconds
// past midnight UTC, booleans 1 / 0, every other type as in the Sluice rendering. The expected
// values are written out by hand, not computed by the converters under test.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../harness/pipeline.ts';
import { startStack, type SourceKind, type Stack } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { expectHash } from './support/target-reader.ts';
import { hashDifferences, type ExpectedRows } from './support/type-expected.ts';

const ctx = useTestContext();
const TABLE = 'rdi_types';

const POSTGRES_SETUP = `
  CREATE TABLE ${TABLE} (
    id integer PRIMARY KEY,
    c_date date, c_time time(6), c_time0 time(0),
    c_timestamp timestamp(6), c_timestamp3 timestamp(3), c_timestamptz timestamptz,
    c_timetz timetz, c_bool boolean, c_bit1 bit(1), c_numeric numeric(10,2), c_text text
  );
`;

/** SQL literals of each PostgreSQL row, in column order after id. */
const POSTGRES_ROWS: Readonly<Record<number, string>> = {
  1: `'2024-02-29', '12:34:56.789012', '12:34:56', '2024-02-29 12:34:56.789012',
      '2024-02-29 12:34:56.789', '2024-02-29 12:34:56.789012+02', '12:34:56.789+02',
      true, B'1', 1234.5, 'x'`,
  2: `'1970-01-01', '00:00:00', '00:00:00', '1970-01-01 00:00:00',
      '1969-12-31 23:59:59.999', '1969-12-31 23:59:59.999999+00', '00:00:00+00',
      false, B'0', -0.01, ''`,
  3: `'9999-12-31', '23:59:59.999999', '24:00:00', '9999-12-31 23:59:59.999999',
      '1900-01-01 00:00:00.001', '9999-12-31 23:59:59.999999+00', '23:59:59.999999+14',
      true, B'1', 99999999.99, 'y'`,
  5: `'infinity', '00:00:00', '00:00:00', 'infinity', '-infinity', 'infinity', '00:00:00+00',
      true, B'0', 0, 'z'`,
  // All NULL: inserted last, so its arrival means every earlier row has arrived.
  9: 'NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL',
};

const POSTGRES_EXPECTED: ExpectedRows = {
  1: {
    id: '1',
    c_date: '1709164800000',
    c_time: '45296789012',
    c_time0: '45296000000',
    c_timestamp: '1709210096789.012',
    c_timestamp3: '1709210096789',
    c_timestamptz: '1709202896789.012',
    c_timetz: '38096.789',
    c_bool: '1',
    c_bit1: '1',
    c_numeric: '1234.50',
    c_text: 'x',
  },
  2: {
    id: '2',
    c_date: '0',
    c_time: '0',
    c_time0: '0',
    c_timestamp: '0',
    c_timestamp3: '-1',
    c_timestamptz: '-0.001',
    c_timetz: '0',
    c_bool: '0',
    c_bit1: '0',
    c_numeric: '-0.01',
    c_text: '',
  },
  3: {
    id: '3',
    c_date: '253402214400000',
    c_time: '86399999999',
    c_time0: '86400000000',
    // 253402300799999.999 has 18 significant digits: the nearest double is written.
    c_timestamp: '253402300800000',
    c_timestamp3: '-2208988799999',
    c_timestamptz: '253402300800000',
    c_timetz: '35999.999999',
    c_bool: '1',
    c_bit1: '1',
    c_numeric: '99999999.99',
    c_text: 'y',
  },
  5: {
    id: '5',
    c_date: 'infinity',
    c_time: '0',
    c_time0: '0',
    c_timestamp: 'infinity',
    c_timestamp3: '-infinity',
    c_timestamptz: 'infinity',
    c_timetz: '0',
    c_bool: '1',
    c_bit1: '0',
    c_numeric: '0.00',
    c_text: 'z',
  },
  9: { id: '9' },
};

const MARIADB_SETUP = `
  SET time_zone = '+00:00';
  CREATE TABLE ${TABLE} (
    id int PRIMARY KEY,
    c_date date NULL, c_datetime datetime NULL, c_datetime3 datetime(3) NULL,
    c_datetime6 datetime(6) NULL, c_timestamp timestamp NULL DEFAULT NULL,
    c_timestamp6 timestamp(6) NULL DEFAULT NULL, c_time time NULL, c_time6 time(6) NULL,
    c_tinyint1 tinyint(1) NULL, c_bit1 bit(1) NULL, c_decimal decimal(10,2) NULL
  );
`;

const MARIADB_ROWS: Readonly<Record<number, string>> = {
  1: `'2024-02-29', '2024-02-29 12:34:56', '2024-02-29 12:34:56.789',
      '2024-02-29 12:34:56.789012', '2024-02-29 12:34:56', '2024-02-29 12:34:56.789012',
      '12:34:56', '12:34:56.000001', 1, b'1', 1234.5`,
  2: `'1000-01-01', '1000-01-01 00:00:00', '1969-12-31 23:59:59.999',
      '1970-01-01 00:00:00.000001', '1970-01-01 00:00:01', '1970-01-01 00:00:01.000001',
      '-838:59:59', '-00:00:00.000001', 0, b'0', -0.01`,
  3: `'9999-12-31', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999',
      '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07', '2038-01-19 03:14:07.999999',
      '838:59:59', '838:59:59', 127, b'1', 99999999.99`,
  9: 'NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL',
};

const MARIADB_EXPECTED: ExpectedRows = {
  1: {
    id: '1',
    c_date: '1709164800000',
    c_datetime: '1709210096000',
    c_datetime3: '1709210096789',
    c_datetime6: '1709210096789.012',
    c_timestamp: '1709210096000',
    c_timestamp6: '1709210096789.012',
    c_time: '45296000000',
    c_time6: '45296000001',
    // tinyint(1) is an integer column (it holds -128..127), not a boolean: as in Sluice's.
    c_tinyint1: '1',
    c_bit1: '1',
    c_decimal: '1234.50',
  },
  2: {
    id: '2',
    c_date: '-30610224000000',
    c_datetime: '-30610224000000',
    c_datetime3: '-1',
    c_datetime6: '0.001',
    c_timestamp: '1000',
    c_timestamp6: '1000.001',
    c_time: '-3020399000000',
    c_time6: '-1',
    c_tinyint1: '0',
    c_bit1: '0',
    c_decimal: '-0.01',
  },
  3: {
    id: '3',
    c_date: '253402214400000',
    c_datetime: '253402300799000',
    c_datetime3: '253402300799999',
    c_datetime6: '253402300800000',
    c_timestamp: '2147483647000',
    c_timestamp6: '2147483647999.999',
    c_time: '3020399000000',
    c_time6: '3020399000000',
    c_tinyint1: '127',
    c_bit1: '1',
    c_decimal: '99999999.99',
  },
  9: { id: '9' },
};

function inserts(rows: Readonly<Record<number, string>>, offset: number): string {
  return Object.entries(rows)
    .map(([id, values]) => `INSERT INTO ${TABLE} VALUES (${Number(id) + offset}, ${values});`)
    .join('\n');
}

interface Scenario {
  readonly kind: SourceKind;
  readonly setup: string;
  /** Prepended to every insert (MariaDB: the session time zone of TIMESTAMP literals). */
  readonly session: string;
  readonly rows: Readonly<Record<number, string>>;
  readonly expected: ExpectedRows;
}

const SCENARIOS: readonly Scenario[] = [
  {
    kind: 'postgresql',
    setup: POSTGRES_SETUP,
    session: '',
    rows: POSTGRES_ROWS,
    expected: POSTGRES_EXPECTED,
  },
  {
    kind: 'mariadb',
    setup: MARIADB_SETUP,
    session: "SET time_zone = '+00:00';",
    rows: MARIADB_ROWS,
    expected: MARIADB_EXPECTED,
  },
];

describe.each(SCENARIOS)('$kind with type_rendering: rdi', (scenario) => {
  let stack: Stack<SourceKind>;
  let target: Redis | undefined;
  let mark = 0;
  const sql = (text: string): Promise<string[][]> => stack.source.query(text);

  beforeAll(async () => {
    // This scenario's servers are stopped after it, so the two never run at once.
    mark = ctx.registry.size;
    stack = await startStack({
      source: scenario.kind,
      dir: `${ctx.dir}/${scenario.kind}`,
      registry: ctx.registry,
    });
    await sql(scenario.setup + scenario.session + inserts(scenario.rows, 0));
    target = new Redis(stack.target.url);
    await startPipeline({
      stack,
      dir: `${ctx.dir}/${scenario.kind}/pipeline`,
      registry: ctx.registry,
      sourceName: 'rdi',
      tables: [TABLE],
      processorSettings: ['type_rendering: rdi'],
    });
  });

  afterAll(async () => {
    await target?.quit();
    await ctx.registry.stopFrom(mark);
  });

  it('renders every field as RDI does through the initial snapshot', async () => {
    if (target === undefined) throw new Error('the stack did not start');
    await expectHash(target, `${TABLE}:id:9`, { id: '9' });
    expect(await hashDifferences(target, TABLE, scenario.expected, 0)).toEqual({});
  });

  it('renders every field as RDI does while streaming', async () => {
    if (target === undefined) throw new Error('the stack did not start');
    await sql(scenario.session + inserts(scenario.rows, 100));
    await expectHash(target, `${TABLE}:id:109`, { id: '109' });
    expect(await hashDifferences(target, TABLE, scenario.expected, 100)).toEqual({});
  });
});
