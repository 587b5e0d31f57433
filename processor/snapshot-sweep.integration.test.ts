// Re-snapshot sweep against a real Redis, through the real path (decode → pipeline job →
// TargetSet → apply-batch.lua): a snapshot that starts over after an interrupted one leaves
// exactly its own rows, by pattern (default keys) and through the row index; large sweeps go in
// chunks and later entries of the stream wait for them; Debezium's markers as 3.6 emits them.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedis } from '../harness/redis.ts';
import { useTestContext } from '../harness/test-context.ts';
import { CHECKPOINT_KEY } from '../pipeline/redis-keys.ts';
import { applyBatch } from './apply-batch.ts';
import { createPipelineJob } from './core/jobs/pipeline-job.ts';
import { processEntriesAsync } from './core/process-entries.ts';
import { rowIndexKey } from './core/row-index.ts';
import { snapshotSeenKey, snapshotStateKey } from './core/snapshot-sweep.ts';
import type { StreamEntry } from './core/stream-entry.ts';
import { toStreamEntry } from './core/stream-entry.ts';
import { TargetSet } from './target-set.ts';
import { standaloneWriter } from './target-writer.ts';

const ctx = useTestContext();
let redis: Redis;

beforeAll(async () => {
  const server = await startRedis({ dir: `${ctx.dir}/target`, registry: ctx.registry });
  redis = new Redis(server.url);
});
afterAll(async () => {
  await redis.quit();
});
beforeEach(async () => {
  await redis.flushall();
  next = 1;
});

const stream = 'data:shop.public.people';
const rowSchema = {
  type: 'struct',
  optional: true,
  fields: [
    { type: 'int32', optional: false, field: 'id' },
    { type: 'string', optional: true, field: 'name' },
  ],
};

let next = 1;
/** A stream entry as Debezium's Redis sink writes it (extended format, run id header). */
function entry(
  op: 'r' | 'c' | 'u' | 'd',
  id: number,
  snapshot: string,
  run: string,
  name = `n${id}`,
): StreamEntry {
  const row = { id, name };
  const value = JSON.stringify({
    schema: {
      type: 'struct',
      fields: [
        { ...rowSchema, field: 'before' },
        { ...rowSchema, field: 'after' },
        { type: 'struct', field: 'source', fields: [] },
        { type: 'string', field: 'op' },
      ],
    },
    payload: {
      op,
      before: op === 'd' ? row : null,
      after: op === 'd' ? null : row,
      source: { db: 'shop', schema: 'public', table: 'people', snapshot },
      ts_ms: 1_700_000_000_000,
    },
  });
  const key = JSON.stringify({
    schema: { type: 'struct', fields: [{ type: 'int32', optional: false, field: 'id' }] },
    payload: { id },
  });
  const header = JSON.stringify({ schema: { type: 'string', optional: false }, payload: run });
  const entryId = `${next}-0`;
  next += 1;
  return toStreamEntry(entryId, ['key', key, 'value', value, '__DEBEZIUM.CONTEXT.RUNID', header]);
}

/** What the consumer does with one read of the stream: plan, then apply until done. */
async function consume(
  entries: StreamEntry[],
  onTruncate: 'ignore' | 'delete' = 'ignore',
): Promise<number> {
  const job = createPipelineJob([], { now: () => 0, uuid: () => 'u', onTruncate });
  const processed = await processEntriesAsync(entries, job, stream);
  expect(processed.rejected).toEqual([]);

  const writer = standaloneWriter('target', redis);
  let calls = 0;
  const counted = {
    ...writer,
    apply: (batch: Parameters<typeof writer.apply>[0]) => {
      calls += 1;
      return writer.apply(batch);
    },
  };
  const targets = new TargetSet([counted]);
  await targets.loadCheckpoints();
  await targets.apply(
    {
      stream,
      entryIds: entries.map((e) => e.id),
      lastId: entries[entries.length - 1]?.id ?? '',
      epoch: 0,
      ops: processed.ops,
      opEntryIds: processed.opEntryIds,
    },
    new Map(),
  );
  return calls;
}

/** A snapshot of `ids` by run `run` as Debezium 3.6 marks it (first table of the snapshot). */
function snapshotOf(ids: readonly number[], run: string, lastMarker = 'last'): StreamEntry[] {
  return ids.map((id, i) => {
    if (ids.length === 1) return entry('r', id, lastMarker, run);
    const marker = i === 0 ? 'first' : i === ids.length - 1 ? lastMarker : 'true';
    return entry('r', id, marker, run);
  });
}

const peopleKeys = async () =>
  (await redis.keys('people:*')).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

describe('snapshot sweep', () => {
  it('removes the rows an interrupted snapshot wrote that the new snapshot did not read', async () => {
    await redis.hset('other:id:1', 'name', 'another table');
    await redis.hset('people_archive:id:1', 'name', 'a table whose name starts alike');
    // Run A read rows 1–4, then Debezium died; rows 1 and 3 were deleted while it was down.
    await consume(snapshotOf([1, 2, 3, 4, 5, 6], 'run-A').slice(0, 4));
    expect(await peopleKeys()).toEqual([
      'people:id:1',
      'people:id:2',
      'people:id:3',
      'people:id:4',
    ]);
    // Run B reads what is left, a row updated meanwhile included, then streams a new row.
    const b = snapshotOf([2, 4, 5, 6], 'run-B');
    await consume([...b, entry('c', 7, 'false', 'run-B')]);
    expect(await peopleKeys()).toEqual([
      'people:id:2',
      'people:id:4',
      'people:id:5',
      'people:id:6',
      'people:id:7',
    ]);
    expect(await redis.hgetall('people:id:5')).toEqual({ id: '5', name: 'n5' });
    expect(await redis.exists('other:id:1', 'people_archive:id:1')).toBe(2);
    expect(await redis.exists(snapshotSeenKey(stream))).toBe(0);
    expect(await redis.hgetall(snapshotStateKey(stream))).toEqual({ run: 'run-B', swept: '1' });
    expect(await redis.hget(CHECKPOINT_KEY, stream)).toBe(`${next - 1}-0`);
  });

  it('sweeps through the row index when the table is indexed', async () => {
    await consume(snapshotOf([1, 2, 3], 'run-A'), 'delete');
    expect(await redis.hlen(rowIndexKey(stream))).toBe(3);
    await consume(snapshotOf([2, 3], 'run-B', 'last_in_data_collection'), 'delete');
    expect(await peopleKeys()).toEqual(['people:id:2', 'people:id:3']);
    expect((await redis.hkeys(rowIndexKey(stream))).sort()).toEqual([
      JSON.stringify({ id: '2' }),
      JSON.stringify({ id: '3' }),
    ]);
  });

  it('sweeps a large table in chunks while later entries of the stream wait', async () => {
    // 5,000 stale rows (an earlier snapshot's, deleted since), more than one chunk.
    const stale = redis.pipeline();
    for (let id = 100; id < 5100; id += 1) stale.hset(`people:id:${id}`, 'id', String(id));
    await stale.exec();
    const calls = await consume([
      ...snapshotOf([1, 2], 'run-B'),
      entry('c', 3, 'false', 'run-B'),
      entry('d', 2, 'false', 'run-B'),
    ]);
    expect(calls).toBeGreaterThan(1);
    expect(await peopleKeys()).toEqual(['people:id:1', 'people:id:3']);
  });

  it('starts over on a new run even without a first marker (a table of one row)', async () => {
    await consume(snapshotOf([1, 2, 3, 4], 'run-A').slice(0, 3));
    // Run B: the table has one row left, marked only as the last of its table.
    await consume(snapshotOf([3], 'run-B', 'last_in_data_collection'));
    expect(await peopleKeys()).toEqual(['people:id:3']);
  });

  it('keeps rows of the same run and ignores a last row written twice', async () => {
    const rows = snapshotOf([1, 2, 3], 'run-A');
    await consume(rows.slice(0, 2));
    await consume(rows.slice(2));
    expect(await peopleKeys()).toEqual(['people:id:1', 'people:id:2', 'people:id:3']);
    // The sink may write a batch twice: the repeated last row neither sweeps nor keeps a set.
    await consume([entry('c', 9, 'false', 'run-A'), entry('r', 3, 'last', 'run-A')]);
    expect(await peopleKeys()).toEqual([
      'people:id:1',
      'people:id:2',
      'people:id:3',
      'people:id:9',
    ]);
    expect(await redis.exists(snapshotSeenKey(stream))).toBe(0);
  });

  it('sweeps even when the target refuses the last row (a key of another type)', async () => {
    await consume(snapshotOf([1, 2, 3], 'run-A').slice(0, 2));
    await redis.sadd('people:id:3', 'not a hash');
    // A merging job's last row meets a key of another type: the record is refused (DLQ).
    const seen = { key: snapshotSeenKey(stream), state: snapshotStateKey(stream), run: 'run-B' };
    const result = await applyBatch(redis, {
      stream,
      firstId: '100-0',
      lastId: '101-0',
      epoch: 0,
      ops: [
        { kind: 'hash-merge', key: 'people:id:2', fields: [['id', '2']], remove: [] },
        { kind: 'snapshot-row', ...seen, first: true, members: ['people:id:2'] },
        { kind: 'hash-merge', key: 'people:id:3', fields: [['id', '3']], remove: [] },
        { kind: 'snapshot-row', ...seen, first: false, members: ['people:id:3'] },
        { kind: 'snapshot-sweep', ...seen, source: { pattern: 'people:id:*' } },
      ],
      opEntryIds: ['100-0', '100-0', '101-0', '101-0', '101-0'],
    });
    expect(result).toMatchObject({ applied: true, rejected: [{ entryId: '101-0' }] });
    expect(await peopleKeys()).toEqual(['people:id:2', 'people:id:3']);
    expect(await redis.type('people:id:3')).toBe('set');
    expect(await redis.hget(snapshotStateKey(stream), 'swept')).toBe('1');
  });

  it('leaves the target alone while streaming, whatever the run', async () => {
    await redis.hset('people:id:50', 'id', '50');
    await consume([entry('c', 1, 'false', 'run-C'), entry('u', 1, 'false', 'run-D')]);
    expect(await peopleKeys()).toEqual(['people:id:1', 'people:id:50']);
    expect(await redis.exists(snapshotStateKey(stream))).toBe(0);
  });
});
