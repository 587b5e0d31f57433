// The status report against a real Redis: the stream positions read with XINFO and XPENDING,
// and the phase that stays `initial_sync` until the snapshot's entries are written by
// Debezium and acknowledged by the processor's group, then `cdc` whatever the backlog.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedis } from '../../harness/redis.ts';
import { useTestContext } from '../../harness/test-context.ts';
import { PROCESSOR_GROUP, pipelineKey, pipelineStatusKey } from '../../pipeline/redis-keys.ts';
import type { PipelinePhase } from './pipeline-phase.ts';
import { writeStatus } from './status-report.ts';
import { streamPositions } from './stream-positions.ts';

const ctx = useTestContext();
let rdi: Redis;
const A = 'data:shop.public.a';
const B = 'data:shop.public.b';

beforeAll(async () => {
  const server = await startRedis({ dir: `${ctx.dir}/rdi`, registry: ctx.registry });
  rdi = new Redis(server.url);
});
afterAll(async () => {
  await rdi.quit();
});
beforeEach(async () => {
  await rdi.flushall();
  await rdi.hset(pipelineKey('p'), 'config', 'sources:\n  shop:\n    type: cdc\n');
});

async function report(
  phase: PipelinePhase,
  snapshot: Record<string, number | boolean> | undefined,
  now: number,
): Promise<{ phase: string | undefined; snapshot: Record<string, unknown> | undefined }> {
  await writeStatus(rdi, 'p', {
    phase,
    components: [],
    errors: [],
    snapshot,
    operator: 'op',
    epoch: 1,
    metricsUrl: undefined,
    now,
  });
  const fields = await rdi.hgetall(pipelineStatusKey('p'));
  return {
    phase: fields.phase,
    snapshot:
      fields.snapshot === undefined
        ? undefined
        : (JSON.parse(fields.snapshot) as Record<string, unknown>),
  };
}

async function add(stream: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await rdi.xadd(stream, '*', 'value', String(i));
}

async function readAll(stream: string): Promise<string[]> {
  const reply = (await rdi.xreadgroup(
    'GROUP',
    PROCESSOR_GROUP,
    'c1',
    'COUNT',
    1000,
    'STREAMS',
    stream,
    '>',
  )) as [string, [string, string[]][]][] | null;
  return reply?.[0]?.[1].map(([id]) => id) ?? [];
}

describe('writeStatus', () => {
  it('keeps initial_sync until the snapshot entries are written and acknowledged', async () => {
    await add(A, 3);
    const progress = { completed: false, tables_total: 2, tables_completed: 1, rows_scanned: 3 };
    expect(await report('initial_sync', progress, 1_000)).toEqual({
      phase: 'initial_sync',
      snapshot: { ...progress, captured: false, started_at: 1_000 },
    });

    // Debezium is done reading 6 rows; its sink has written 5 of them.
    await add(B, 2);
    const done = { completed: true, tables_total: 2, tables_completed: 2, rows_scanned: 6 };
    expect((await report('cdc', done, 2_000)).phase).toBe('initial_sync');
    expect(await rdi.hget(pipelineStatusKey('p'), 'snapshot_marks')).toBeNull();

    // All written; the processor has no group yet, then reads without acknowledging.
    await add(B, 1);
    expect((await report('cdc', done, 3_000)).phase).toBe('initial_sync');
    const marks = JSON.parse(
      (await rdi.hget(pipelineStatusKey('p'), 'snapshot_marks')) ?? '{}',
    ) as Record<string, string>;
    expect(Object.keys(marks).sort()).toEqual([A, B]);
    await rdi.xgroup('CREATE', A, PROCESSOR_GROUP, '0');
    await rdi.xgroup('CREATE', B, PROCESSOR_GROUP, '0');
    const idsA = await readAll(A);
    const idsB = await readAll(B);
    expect(idsA).toHaveLength(3);
    expect((await report('cdc', done, 4_000)).phase).toBe('initial_sync');

    await rdi.xack(A, PROCESSOR_GROUP, ...idsA);
    await rdi.xack(B, PROCESSOR_GROUP, ...idsB.slice(0, 2));
    expect((await report('cdc', done, 5_000)).phase).toBe('initial_sync');
    await rdi.xack(B, PROCESSOR_GROUP, ...idsB.slice(2));
    expect(await report('cdc', done, 6_000)).toEqual({
      phase: 'cdc',
      snapshot: {
        completed: true,
        captured: true,
        tables_total: 2,
        tables_completed: 2,
        rows_scanned: 6,
        started_at: 1_000,
        captured_at: 2_000,
        completed_at: 6_000,
      },
    });

    // A backlog of changes later does not turn the phase back; a restart keeps the record.
    await add(A, 5);
    await readAll(A);
    expect((await report('cdc', { completed: true }, 7_000)).phase).toBe('cdc');
    const restarted = await report('starting', undefined, 8_000);
    expect(restarted.phase).toBe('starting');
    expect(restarted.snapshot).toMatchObject({ completed: true, rows_scanned: 6 });
    expect((await report('resetting', undefined, 9_000)).snapshot).toBeUndefined();
  });

  it('reads positions of the pipeline’s streams only', async () => {
    await add(A, 2);
    await add('data:other.public.x', 1);
    await rdi.xgroup('CREATE', A, PROCESSOR_GROUP, '0');
    const [id] = await readAll(A);
    const positions = await streamPositions(rdi, 'p');
    expect(positions).toHaveLength(1);
    expect(positions[0]).toMatchObject({
      stream: A,
      entriesAdded: 2,
      oldestPending: id,
    });
    expect(positions[0]?.delivered).toBe(positions[0]?.lastId);
    // Trimming keeps the counter of entries ever added.
    await rdi.xtrim(A, 'MAXLEN', 0);
    expect((await streamPositions(rdi, 'p'))[0]?.entriesAdded).toBe(2);
  });
});
