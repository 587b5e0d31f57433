// Fault injection: kill -9 the processor at random moments while inserts, updates, deletes
// and primary-key changes stream across several tables; at the end the target must equal the
// source key by key and field by field. CI runs a shorter version; the full one (50,000
// changes, 20 kills) runs with SLUICE_FAULT_FULL=1 (see docs/operations-testing in README).
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline, type RunningPipeline } from '../harness/pipeline.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import { differences } from './support/compare-target.ts';
import { runWorkload, seededRandom, WORKLOAD_SCHEMA, WORKLOAD_TABLES } from './support/workload.ts';

const FULL = process.env.SLUICE_FAULT_FULL === '1';
const CHANGES = FULL ? 50_000 : 8_000;
const KILLS = FULL ? 20 : 5;
const SEED = Number(process.env.SLUICE_FAULT_SEED ?? '20261130');

const ctx = useTestContext();
let stack: Stack<'postgresql'>;
let pipeline: RunningPipeline;
let db: pg.Client;
let target: Redis;

const shapes = [
  { table: 'accounts', keyColumns: ['id'] },
  { table: 'events', keyColumns: ['id'] },
  { table: 'holdings', keyColumns: ['account_id', 'symbol'] },
];

beforeAll(async () => {
  stack = await startStack({ source: 'postgresql', dir: ctx.dir, registry: ctx.registry });
  await stack.source.query(WORKLOAD_SCHEMA);
  pipeline = await startPipeline({
    stack,
    dir: `${ctx.dir}/pipeline`,
    registry: ctx.registry,
    sourceName: 'bank',
    tables: [...WORKLOAD_TABLES],
    processorSettings: ['read_batch_size: 500'],
  });
  db = new pg.Client({
    host: stack.source.host,
    port: stack.source.port,
    user: stack.source.user,
    password: stack.source.password,
    database: stack.source.database,
  });
  await db.connect();
  target = new Redis(stack.target.url);
});

afterAll(async () => {
  await db.end();
  await target.quit();
});

describe('kill -9 of the processor under load', () => {
  it(`loses and duplicates nothing across ${KILLS} kills during ${CHANGES} changes`, async () => {
    const random = seededRandom(SEED + 1);
    // Kill points spread over the workload, at random positions within it.
    const killAt = Array.from({ length: KILLS }, () => Math.floor(random() * CHANGES)).sort(
      (a, b) => a - b,
    );
    let kills = 0;
    await runWorkload(db, {
      changes: CHANGES,
      seed: SEED,
      onProgress: async (done) => {
        while (kills < killAt.length && (killAt[kills] ?? Infinity) <= done) {
          kills += 1;
          await pipeline.processor.kill();
          await pipeline.processor.restart();
        }
      },
    });
    expect(kills).toBe(KILLS);
    let diff = '';
    await waitFor(
      'the target to equal the source',
      async () => {
        diff = await differences(db, target, shapes);
        if (diff === '') return true;
        throw new Error(diff);
      },
      { timeoutMs: 180_000, intervalMs: 1000 },
    );
    expect(diff).toBe('');
  });
});
