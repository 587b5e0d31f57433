// Planning of the row index: which tables are indexed, the row-index op at the head of each
// connection's ops, deletes that carry only the key, truncates per on_truncate, and jobs
// whose before row is known still planning the moved op as they did without the index.
import { describe, expect, it } from 'vitest';
import type { CompiledJob } from '../jobs/compile-job.ts';
import { createPipelineJob, indexedTable } from './jobs/pipeline-job.ts';
import { event, jobFromYaml } from '../jobs/test-support.ts';
import type { OnTruncate } from './row-index.ts';
import { rowIdentity, rowIndexKey } from './row-index.ts';
import type { ChangeEvent } from './change-event.ts';

const stream = 'data:shop.public.customers';
const index = rowIndexKey(stream);
const byEmail = jobFromYaml(`
source:
  table: customers
output:
  - uses: redis.write
    with:
      key:
        expression: '"customer:" & email'
      mapping: [id, email]
  - uses: redis.write
    with:
      connection: archive
      data_type: set
      key:
        expression: '"emails"'
      args:
        member: email
`);
const plain = jobFromYaml('source:\n  table: orders\n');

async function plan(
  jobs: readonly CompiledJob[],
  change: Partial<ChangeEvent>,
  onTruncate: OnTruncate = 'ignore',
) {
  const job = createPipelineJob(jobs, { now: () => 0, uuid: () => 'u', onTruncate });
  return job(event(change), stream);
}

describe('indexedTable', () => {
  it('indexes jobs with computed keys or members, and every table with on_truncate: delete', () => {
    expect(indexedTable(byEmail, 'ignore')).toEqual({
      indexed: true,
      connections: ['target', 'archive'],
      onTruncate: 'ignore',
    });
    expect(indexedTable(plain, 'ignore').indexed).toBe(false);
    expect(indexedTable(plain, 'delete').indexed).toBe(true);
    expect(indexedTable(undefined, 'ignore').indexed).toBe(false);
    expect(indexedTable(undefined, 'delete')).toMatchObject({
      indexed: true,
      connections: ['target'],
    });
  });
});

describe('rowIdentity', () => {
  it('is the key columns as canonical JSON, exact for big integers', () => {
    expect(rowIdentity(event({ key: { id: 7, region: 'eu' } }))).toBe('{"id":"7","region":"eu"}');
    expect(rowIdentity(event({ key: { id: 2n ** 63n } }))).toBe('{"id":"9223372036854775808"}');
    expect(rowIdentity(event({ op: 't', key: {} }))).toBeUndefined();
  });
});

describe('row index planning', () => {
  const row = '{"id":"7"}';
  const after = { id: 7, email: 'b@x' };

  it('puts a row-index op at the head of each connection of an update without before', async () => {
    const { ops, outcome } = await plan([byEmail], { op: 'u', after });
    expect(outcome).toBe('updated');
    expect(ops).toEqual([
      { kind: 'row-index', key: index, row, deleted: false },
      {
        kind: 'hash',
        key: 'customer:b@x',
        fields: [
          ['id', '7'],
          ['email', 'b@x'],
        ],
        keep: [],
      },
      { kind: 'row-index', key: index, row, deleted: false, connection: 'archive' },
      { kind: 'sadd', key: 'emails', member: 'b@x', connection: 'archive' },
    ]);
  });

  it('still plans the moved ops from a before row, as without the index', async () => {
    const { ops } = await plan([byEmail], { op: 'u', before: { id: 7, email: 'a@x' }, after });
    expect(ops).toContainEqual({ kind: 'del', key: 'customer:a@x' });
    expect(ops).toContainEqual({
      kind: 'srem',
      key: 'emails',
      member: 'a@x',
      connection: 'archive',
    });
  });

  it('leaves a delete that carries only the key to the index', async () => {
    const { ops, outcome } = await plan([byEmail], { op: 'd', after: null });
    expect(outcome).toBe('deleted');
    // The key expression gives 'customer:' from the key alone: only applied where the index
    // does not know the row; the member cannot be computed at all and is left to the index.
    expect(ops).toEqual([
      { kind: 'row-index', key: index, row, deleted: true },
      { kind: 'del', key: 'customer:', unlessIndexed: true },
      { kind: 'row-index', key: index, row, deleted: true, connection: 'archive' },
    ]);
  });

  it('plans a delete from its before row only for rows the index does not know', async () => {
    const before = { id: 7, email: 'a@x' };
    const { ops } = await plan([byEmail], { op: 'd', before, after: null });
    expect(ops).toEqual([
      { kind: 'row-index', key: index, row, deleted: true },
      { kind: 'del', key: 'customer:a@x', unlessIndexed: true },
      { kind: 'row-index', key: index, row, deleted: true, connection: 'archive' },
      { kind: 'srem', key: 'emails', member: 'a@x', connection: 'archive', unlessIndexed: true },
    ]);
  });

  it('plans deletes as before for jobs whose rows are not indexed', async () => {
    const { ops } = await plan([plain], { op: 'd', table: 'orders', after: null });
    expect(ops).toEqual([{ kind: 'del', key: 'orders:id:7' }]);
  });

  it('adds nothing to tables that are not indexed', async () => {
    const { ops } = await plan([plain], { op: 'u', table: 'orders' });
    expect(ops.map((op) => op.kind)).toEqual(['hash']);
  });

  it('turns a truncate into one truncate op per connection with on_truncate: delete', async () => {
    expect(await plan([byEmail], { op: 't', key: {}, after: null }, 'delete')).toEqual({
      ops: [
        { kind: 'truncate', key: index },
        { kind: 'truncate', key: index, connection: 'archive' },
      ],
      outcome: 'deleted',
    });
    expect((await plan([], { op: 't', key: {}, after: null }, 'delete')).ops).toEqual([
      { kind: 'truncate', key: index },
    ]);
  });

  it('ignores truncates by default', async () => {
    expect(await plan([byEmail], { op: 't', key: {}, after: null })).toEqual({
      ops: [],
      outcome: 'filtered',
    });
    expect(await plan([], { op: 't', key: {}, after: null })).toEqual({
      ops: [],
      outcome: 'filtered',
    });
  });

  it('indexes the default job with on_truncate: delete', async () => {
    const { ops } = await plan([], { op: 'c' }, 'delete');
    expect(ops.map((op) => op.kind)).toEqual(['row-index', 'hash']);
  });
});
