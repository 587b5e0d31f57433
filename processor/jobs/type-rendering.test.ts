// processors.type_rendering through the pipeline job, from an entry captured from the real
// Debezium Server (row 1 of the PostgreSQL all-types table): what the default job writes, what
// a JSONata / JMESPath expression sees, and what hash, stream and JSON outputs store, in both
// renderings (docs/types.md).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { processEntriesAsync } from '../core/process-entries.ts';
import type { StreamEntry } from '../core/stream-entry.ts';
import type { TypeRendering } from '../core/type-rendering.ts';
import type { WriteOp } from '../core/write-plan.ts';
import { createPipelineJob } from '../core/jobs/pipeline-job.ts';
import { redisCommands } from '../core/jobs/redis-commands.ts';
import { event, jobFromYaml, run } from './test-support.ts';

const STREAM = 'data:hybrid.public.all_types';
const row1: StreamEntry = (() => {
  const url = new URL('../fixtures/postgresql-all-types.jsonl', import.meta.url);
  for (const line of readFileSync(url, 'utf8').trim().split('\n')) {
    const entry = JSON.parse(line) as { key: string; value: string };
    if ((JSON.parse(entry.key) as { payload: { id: number } }).payload.id === 1) {
      return { id: '1-0', key: entry.key, value: entry.value, fields: [] };
    }
  }
  throw new Error('the fixture has no row 1');
})();

/** The temporal and boolean columns of row 1 as docs/types.md renders them in a hash. */
const HASH: Record<TypeRendering, Record<string, string>> = {
  sluice: {
    c_date: '2024-02-29',
    c_time: '12:34:56.789012',
    c_time0: '12:34:56',
    c_timetz: '10:34:56.789Z',
    c_timestamp: '2024-02-29T12:34:56.789012',
    c_timestamp3: '2024-02-29T12:34:56.789',
    c_timestamptz: '2024-02-29T10:34:56.789012Z',
    c_bool: 'true',
    c_bit1: 'true',
    c_numeric_fixed: '1234.5678900000',
  },
  rdi: {
    c_date: '1709164800000',
    c_time: '45296789012',
    c_time0: '45296000000',
    c_timetz: '38096.789',
    c_timestamp: '1709210096789.012',
    c_timestamp3: '1709210096789',
    c_timestamptz: '1709202896789.012',
    c_bool: '1',
    c_bit1: '1',
    c_numeric_fixed: '1234.5678900000',
  },
};
const COLUMNS = Object.keys(HASH.sluice);

async function opsOf(
  rendering: TypeRendering,
  jobs: readonly string[] = [],
  defaultDataType: 'hash' | 'json' = 'hash',
): Promise<readonly WriteOp[]> {
  const job = createPipelineJob(
    jobs.map((yaml) => jobFromYaml(yaml)),
    { now: () => 0, uuid: () => 'u', defaultDataType, typeRendering: rendering },
  );
  expect(job.typeRendering).toBe(rendering);
  const processed = await processEntriesAsync([row1], job, STREAM);
  expect(processed.rejected).toEqual([]);
  return processed.ops;
}

function hashFieldsOf(ops: readonly WriteOp[]): Record<string, string> {
  const op = ops.find((o) => o.kind === 'hash');
  if (op?.kind !== 'hash') throw new Error('no hash op');
  return Object.fromEntries(op.fields);
}

const pick = (fields: Record<string, string>) =>
  Object.fromEntries(COLUMNS.map((column) => [column, fields[column]]));

describe.each(['sluice', 'rdi'] as const)('type_rendering: %s', (rendering) => {
  it('the default job writes the documented hash fields', async () => {
    expect(pick(hashFieldsOf(await opsOf(rendering)))).toEqual(HASH[rendering]);
  });

  it('a custom job writes the same hash fields, and its expressions see the same values', async () => {
    const yaml = `source:
  table: all_types
transform:
  - uses: add_field
    with:
      fields:
        - field: date_type
          expression: $type(c_date)
        - field: bool_type
          expression: type(c_bool)
          language: jmespath
output:
  - uses: redis.write
    with:
      data_type: hash
      key:
        expression: "'t:' & $string(id)"
      mapping: [${COLUMNS.join(', ')}, date_type, bool_type]
  - uses: redis.write
    with:
      data_type: stream
      key:
        expression: "'audit'"
      mapping: [c_bool, c_date]
`;
    const ops = await opsOf(rendering, [yaml]);
    const fields = hashFieldsOf(ops);
    expect(pick(fields)).toEqual(HASH[rendering]);
    expect(fields['date_type']).toBe(rendering === 'rdi' ? 'number' : 'string');
    // Booleans stay booleans for expressions; only their hash text differs.
    expect(fields['bool_type']).toBe('boolean');
    expect(ops.find((o) => o.kind === 'xadd')).toMatchObject({
      fields: [
        ['c_bool', HASH[rendering].c_bool],
        ['c_date', HASH[rendering].c_date],
        ['op_code', 'r'],
      ],
    });
  });

  it('JSON documents (default job and json outputs) hold numbers for RDI temporals, true/false for booleans', async () => {
    const expected =
      rendering === 'rdi'
        ? '{"c_bool":true,"c_date":1709164800000,"c_timestamptz":1709202896789.012,"c_numeric_fixed":"1234.5678900000"}'
        : '{"c_bool":true,"c_date":"2024-02-29","c_timestamptz":"2024-02-29T10:34:56.789012Z","c_numeric_fixed":"1234.5678900000"}';
    const yaml = `source:
  table: all_types
output:
  - uses: redis.write
    with:
      data_type: json
      mapping: [c_bool, c_date, c_timestamptz, c_numeric_fixed]
`;
    const [custom] = await opsOf(rendering, [yaml]);
    expect(custom).toMatchObject({ kind: 'json-set', key: 'all_types:id:1', json: expected });
    const [fallback] = await opsOf(rendering, [], 'json');
    if (fallback?.kind !== 'json-set') throw new Error('expected a JSON.SET');
    const document = JSON.parse(fallback.json) as Record<string, unknown>;
    const subset = JSON.stringify(
      Object.fromEntries(
        ['c_bool', 'c_date', 'c_timestamptz', 'c_numeric_fixed'].map((c) => [c, document[c]]),
      ),
    );
    expect(subset).toBe(expected);
  });
});

describe('type_rendering in dry-runs and outputs', () => {
  const hashJob = `source:
  table: customers
output:
  - uses: redis.write
    with:
      data_type: hash
`;

  it('dry-runs write booleans as 1 / 0 with rdi, also in default keys and nest paths', async () => {
    const e = event({ key: { id: 7, vip: true }, after: { id: 7, vip: true, gone: false } });
    const rdi = await run(hashJob, [e], { typeRendering: 'rdi' });
    expect(rdi.commands).toEqual([
      ['DEL', 'customers:id:7:vip:1'],
      ['HSET', 'customers:id:7:vip:1', 'id', '7', 'vip', '1', 'gone', '0'],
    ]);
    const sluice = await run(hashJob, [e]);
    expect(sluice.commands[1]).toEqual([
      'HSET',
      'customers:id:7:vip:true',
      'id',
      '7',
      'vip',
      'true',
      'gone',
      'false',
    ]);
    const nest = `source:
  table: flags
output:
  - uses: redis.write
    with:
      nest:
        parent:
          table: accounts
        nesting_key: id
        parent_key: active
        path: $.flags
      on_update: merge
      data_type: json
`;
    const nested = await run(nest, [event({ table: 'flags', after: { id: 3, active: false } })], {
      typeRendering: 'rdi',
    });
    expect(nested.commands.at(-1)).toEqual([
      'JSON.SET',
      'accounts:active:0',
      '$.flags["3"]',
      '{"id":3,"active":false}',
    ]);
  });

  it('JSON outputs write NaN and ±Infinity as strings and keep -0, as docs/types.md', async () => {
    const yaml = `source:
  table: readings
output:
  - uses: redis.write
    with:
      data_type: json
`;
    const r = await run(yaml, [
      event({
        table: 'readings',
        after: { id: 7, nan: Number.NaN, inf: Infinity, low: -Infinity, zero: -0 },
      }),
    ]);
    expect(r.commands).toEqual([
      [
        'JSON.SET',
        'readings:id:7',
        '$',
        '{"id":7,"nan":"NaN","inf":"Infinity","low":"-Infinity","zero":-0}',
      ],
    ]);
    const hash = await run(hashJob, [event({ after: { id: 7, zero: -0 } })]);
    expect(hash.commands[1]).toEqual(['HSET', 'customers:id:7', 'id', '7', 'zero', '-0']);
  });

  it('redisCommands shows the same text the plan holds', async () => {
    const ops = await opsOf('rdi');
    const [hset] = redisCommands(ops[0] ?? { kind: 'del', key: 'x' }).slice(-1);
    expect(hset?.slice(0, 2)).toEqual(['HSET', 'all_types:id:1']);
    expect(hset).toContain('1709164800000');
  });
});
