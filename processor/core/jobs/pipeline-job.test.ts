// Job selection (own job, default job "*", RDI's built-in default; case-insensitive names) and
// the pipeline job run through processEntriesAsync with per-entry op ids.
import { describe, expect, it } from 'vitest';
import { processEntriesAsync } from '../process-entries.ts';
import { createPipelineJob } from './pipeline-job.ts';
import { selectJob, serverNameOf } from './select-job.ts';
import { event, jobFromYaml } from '../../jobs/test-support.ts';

const own = jobFromYaml('source:\n  server_name: Shop\n  table: Customers\n');
const strict = jobFromYaml('source:\n  table: Orders\n  case_insensitive: false\n');
const fallback = jobFromYaml('source:\n  schema: public\n  table: "*"\n');
const jobs = [fallback, own, strict];

describe('selectJob', () => {
  it("prefers the table's own job, matching names case-insensitively by default", () => {
    expect(selectJob(event(), 'shop', jobs)).toBe(own);
    expect(selectJob(event(), 'other', jobs)).toBe(fallback);
  });

  it('honours case_insensitive: false and the default job filters', () => {
    expect(selectJob(event({ table: 'orders' }), 'shop', jobs)).toBe(fallback);
    expect(selectJob(event({ table: 'Orders' }), 'shop', jobs)).toBe(strict);
    expect(selectJob(event({ table: 'x', schema: 'audit' }), 'shop', jobs)).toBeUndefined();
  });

  it('reads the server name from the stream name', () => {
    expect(serverNameOf('data:shop.public.customers')).toBe('shop');
  });
});

describe('createPipelineJob', () => {
  const idSchema = {
    type: 'struct',
    optional: true,
    fields: [{ type: 'int64', optional: false, field: 'id' }],
  };
  const entry = (id: string, rowId: number) => ({
    id,
    key: JSON.stringify({ schema: idSchema, payload: { id: rowId } }),
    value: JSON.stringify({
      schema: {
        type: 'struct',
        fields: [
          { ...idSchema, field: 'before' },
          { ...idSchema, field: 'after' },
          { type: 'struct', field: 'source', fields: [] },
          { type: 'string', field: 'op' },
        ],
      },
      payload: {
        op: 'c',
        before: null,
        after: { id: rowId },
        source: { db: 'shop', schema: 'public', table: 'customers', snapshot: 'false' },
        ts_ms: 5,
      },
    }),
    fields: [],
  });

  it('runs jobs asynchronously, the default job synchronously, keeping entry order', async () => {
    const job = createPipelineJob(
      [
        jobFromYaml(
          'source:\n  table: customers\ntransform:\n  - uses: filter\n    with:\n      expression: id > 1\n',
        ),
      ],
      {
        now: () => 0,
        uuid: () => 'u',
      },
    );
    expect(job(event({ table: 'other' }), 'data:shop.public.other')).not.toBeInstanceOf(Promise);
    const processed = await processEntriesAsync(
      [
        entry('1-0', 1),
        entry('2-0', 2),
        { id: '3-0', key: undefined, value: 'not json', fields: [] },
      ],
      job,
      'data:shop.public.customers',
    );
    expect(processed.counts).toMatchObject({ inserted: 1, filtered: 1 });
    expect(processed.opEntryIds).toEqual(['2-0']);
    expect(processed.ops[0]).toEqual({
      kind: 'hash',
      key: 'customers:id:2',
      fields: [['id', '2']],
      keep: [],
    });
    expect(processed.rejected.map((r) => r.entry.id)).toEqual(['3-0']);
  });
});
