// One operator (`node api/operator-main.ts`) on the real stack (PostgreSQL, RDI Redis, target
// Redis, Debezium Server), one stack for three lifecycles: kill -9 of each child (restarted
// with a growing backoff), the processor's backpressure flag pausing and resuming the
// collector while the target is down, and a reset that drops target keys and snapshots again.
// The source changes while a child is down, while capture is paused and during the reset; the
// target must equal the source after each.
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.ts';
import { rdiAuthenticator } from '../api/auth/rdi-authenticator.ts';
import { connectionTester } from '../api/net/test-connections.ts';
import { setDesiredState } from '../api/store/control-store.ts';
import { savePipeline } from '../api/store/pipeline-store.ts';
import { RESET_DONE_FIELD } from '../api/operator/status-report.ts';
import { replicationSlotName } from '../debezium-config/render-source-identity.ts';
import { systemClock } from '../processor/ports.ts';
import { BACKPRESSURE_KEY, CHECKPOINT_KEY, DEBEZIUM_OFFSETS_KEY } from '../pipeline/redis-keys.ts';
import { pipelineConfigText } from '../harness/pipeline.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import { differences } from './support/compare-target.ts';
import {
  component,
  operatorLog,
  readStatus,
  startOperator,
  waitForDataPlane,
  type LogEntry,
  type OperatorProcess,
} from './support/operator-process.ts';
import {
  createWorkload,
  WORKLOAD_SCHEMA,
  WORKLOAD_TABLES,
  type Workload,
} from './support/workload.ts';
import { storeStackSecrets } from './support/operator-pipeline.ts';

const PIPELINE = 'default';
const SOURCE = 'bank';
const OPERATOR = 'op-life';
const STREAMS = WORKLOAD_TABLES.map((t) => `data:${SOURCE}.public.${t}`);

const ctx = useTestContext();
let stack: Stack<'postgresql'>;
let rdi: Redis;
let target: Redis;
let db: pg.Client;
let workload: Workload;
let operator: OperatorProcess;

const shapes = [
  { table: 'accounts', keyColumns: ['id'] },
  { table: 'events', keyColumns: ['id'] },
  { table: 'holdings', keyColumns: ['account_id', 'symbol'] },
];

async function waitForTargetEqualsSource(): Promise<void> {
  let diff = '';
  await waitFor(
    'the target to equal the source',
    async () => {
      diff = await differences(db, target, shapes);
      if (diff === '') return true;
      throw new Error(diff);
    },
    { timeoutMs: 120_000, intervalMs: 1000 },
  );
  expect(diff).toBe('');
}

/** Log entries of the operator whose message starts with `prefix`. */
async function logged(prefix: string): Promise<LogEntry[]> {
  return (await operatorLog(operator)).filter((e) => e.message.startsWith(prefix));
}

async function status() {
  return readStatus(rdi, PIPELINE);
}

/** Source changes in small transactions, e.g. while a child is down. */
async function changeSource(changes: number): Promise<void> {
  await workload.run(db, { changes, perTransaction: 10 });
}

/**
 * kill -9 of one child, then changes to the source while it is down; resolves with the killed
 * pid once the operator reports the child running again (a new pid).
 */
async function killAndAwaitRestart(type: 'collector' | 'processor'): Promise<number> {
  const before = component(await status(), type);
  if (before?.pid === undefined || before.state !== 'running') {
    throw new Error(`no running ${type}: ${JSON.stringify(before)}`);
  }
  process.kill(before.pid, 'SIGKILL');
  await changeSource(100);
  const after = await waitFor(
    `the ${type} to be restarted`,
    async () => {
      const now = component(await status(), type);
      if (now?.state === 'running' && now.pid !== before.pid) return now;
      throw new Error(JSON.stringify(now));
    },
    { timeoutMs: 120_000, intervalMs: 100 },
  );
  expect(after.restarts).toBe(before.restarts + 1);
  return before.pid;
}

/**
 * Asks for a reset through the api's route (the real app, called with inject) as a user
 * of the RDI database; resolves with the new reset generation.
 */
async function resetThroughApi(): Promise<number> {
  const [user, password] = ['e2e-admin', 'e2e admin password'];
  await rdi.call('ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '&*', '+@all');
  const app = await buildApp({
    rdi,
    authenticate: rdiAuthenticator({ host: stack.rdi.host, port: stack.rdi.port }),
    clock: systemClock,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    token: {
      secret: new TextEncoder().encode('e2e-operator-lifecycle-secret-0123456789'),
      ttlSeconds: 600,
    },
    testConnections: connectionTester(2_000),
    version: 'e2e',
  });
  try {
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/login',
      payload: { username: user, password },
    });
    const token = login.json<{ access_token: string }>().access_token;
    const reply = await app.inject({
      method: 'POST',
      url: `/api/v2/pipelines/${PIPELINE}/reset`,
      headers: { authorization: `Bearer ${token}` },
      payload: { drop_target_keys: true },
    });
    expect(reply.statusCode).toBe(202);
    return reply.json<{ reset_generation: number }>().reset_generation;
  } finally {
    await app.close();
  }
}

/** Stream entries ever added (XINFO STREAM entries-added), per change stream. */
async function entriesAdded(): Promise<number[]> {
  return Promise.all(
    STREAMS.map(async (stream) => {
      const reply = (await rdi.xinfo('STREAM', stream)) as unknown[];
      return Number(reply[reply.indexOf('entries-added') + 1]);
    }),
  );
}

async function slot(): Promise<{ active: boolean; behind: boolean } | undefined> {
  const result = await db.query<{ active: boolean; behind: boolean }>(
    `SELECT active, confirmed_flush_lsn < pg_current_wal_lsn() AS behind
       FROM pg_replication_slots WHERE slot_name = $1`,
    [replicationSlotName(SOURCE)],
  );
  return result.rows[0];
}

beforeAll(async () => {
  // The target keeps its data across the outage of the backpressure test (AOF).
  stack = await startStack({
    source: 'postgresql',
    dir: ctx.dir,
    registry: ctx.registry,
    targetAppendonly: true,
  });
  await stack.source.query(WORKLOAD_SCHEMA);
  rdi = new Redis(stack.rdi.url);
  target = new Redis(stack.target.url, { maxRetriesPerRequest: 1 });
  target.on('error', () => undefined);
  db = new pg.Client({
    host: stack.source.host,
    port: stack.source.port,
    user: stack.source.user,
    password: stack.source.password,
    database: stack.source.database,
  });
  await db.connect();
  workload = createWorkload(20260502);
  await workload.run(db, { changes: 400 });

  await storeStackSecrets(rdi, stack);
  const config = pipelineConfigText('postgresql', {
    sourceName: SOURCE,
    database: stack.source.database,
    tables: [...WORKLOAD_TABLES],
    // Short retries, so that the processor notices the target's return soon.
    processorSettings: [
      'read_batch_size: 200',
      'retry_initial_delay_ms: 200',
      'retry_max_delay_ms: 2000',
    ],
  });
  await savePipeline(rdi, PIPELINE, { config, jobs: {} }, { mode: 'create', now: Date.now() });
  await setDesiredState(rdi, PIPELINE, 'started', 'e2e', Date.now());
  operator = await startOperator(ctx, OPERATOR, {
    rdiUrl: stack.rdi.url,
    pipeline: PIPELINE,
    leaseMs: 6_000,
    tickMs: 250,
    minPauseMs: 2_000,
  });
  await waitForDataPlane(rdi, PIPELINE, OPERATOR);
  await waitForTargetEqualsSource();
});

afterAll(async () => {
  await db.end();
  await rdi.quit();
  target.disconnect();
});

describe('operator lifecycle', () => {
  it('restarts a killed processor, then a killed Debezium Server, with a growing backoff', async () => {
    // Twice in a row: the second failure follows a short run, so its backoff doubles.
    const firstPid = await killAndAwaitRestart('processor');
    const secondPid = await killAndAwaitRestart('processor');
    const collectorPid = await killAndAwaitRestart('collector');
    await changeSource(100);

    const exits = await logged('processor exited with signal SIGKILL');
    expect(exits.map((e) => [e.failures, e.restartInMs])).toEqual([
      [1, 1_000],
      [2, 2_000],
    ]);
    const collectorExits = await logged('collector exited with signal SIGKILL');
    expect(collectorExits.map((e) => [e.failures, e.restartInMs])).toEqual([[1, 1_000]]);
    const starts = await logged('processor started.');
    expect(starts.slice(0, 2).map((e) => e.pid)).toEqual([firstPid, secondPid]);
    // A lower bound only: each restart waited at least the delay logged with the exit (less
    // the moment between the operator's clock read and its log line).
    for (const [i, exit] of exits.entries()) {
      const waited = Date.parse(String(starts[i + 1]?.time)) - Date.parse(String(exit.time));
      expect(waited).toBeGreaterThanOrEqual(Number(exit.restartInMs) - 50);
    }
    expect((await logged('collector started.')).map((e) => e.pid)[0]).toBe(collectorPid);

    const after = await status();
    expect(after.phase).toBe('cdc');
    expect(component(after, 'processor')).toMatchObject({ state: 'running', restarts: 2 });
    expect(component(after, 'collector')).toMatchObject({ state: 'running', restarts: 1 });
    // Changes made while a child was down arrive once it is back.
    await waitForTargetEqualsSource();
  });

  it('pauses capture while the target is down and resumes it when the flag clears', async () => {
    await stack.target.stop();
    // The processor raises its flag when it fails to write these.
    await changeSource(100);
    const paused = await waitFor(
      'the operator to pause the collector',
      async () => {
        await changeSource(10);
        const s = await status();
        const collector = component(s, 'collector');
        if (collector?.state === 'paused' && collector.pid === undefined) return s;
        throw new Error(JSON.stringify(s.components));
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    expect(paused.errors.map((e) => e.code)).toContain('BACKPRESSURE');
    expect(await rdi.hget(BACKPRESSURE_KEY, 'reason')).toContain('target unavailable');
    expect((await logged('Backpressure: pausing the collector'))[0]?.reason).toContain(
      'target unavailable',
    );
    // Debezium has released the replication slot: changes made now wait in the WAL.
    await waitFor('the replication slot to be released', async () => {
      return (await slot())?.active === false;
    });
    const addedBefore = await entriesAdded();
    await changeSource(200);
    await sleep(2_000);
    expect((await slot())?.behind).toBe(true);
    expect(await entriesAdded()).toEqual(addedBefore);
    expect(component(await status(), 'collector')?.state).toBe('paused');

    await stack.target.restart();
    await waitFor('the backpressure flag to clear', async () => {
      return (await rdi.exists(BACKPRESSURE_KEY)) === 0;
    });
    const resumed = await waitForDataPlane(rdi, PIPELINE, OPERATOR);
    expect(resumed.errors).toEqual([]);
    // A pause is not a restart: the count still shows only the kill -9 of the first test.
    expect(component(resumed, 'collector')?.restarts).toBe(1);
    // One pause and one resume: the collector did not flap.
    expect(await logged('Backpressure: pausing the collector')).toHaveLength(1);
    expect(await logged('Backpressure cleared: resuming the collector')).toHaveLength(1);
    await waitForTargetEqualsSource();
    // The captured backlog went through the restarted Debezium Server.
    const addedAfter = await entriesAdded();
    expect(addedAfter.reduce((a, b) => a + b, 0)).toBeGreaterThan(
      addedBefore.reduce((a, b) => a + b, 0),
    );
  });

  it('resets: drops offsets, streams, checkpoints and target keys, then snapshots again', async () => {
    // A key of a captured table that no source row backs: only the reset's key drop removes it.
    const stray = 'accounts:id:-1';
    await target.hset(stray, { id: '-1', owner: 'stray' });
    const addedBefore = await entriesAdded();
    expect(await rdi.exists(DEBEZIUM_OFFSETS_KEY)).toBe(1);
    expect((await target.hkeys(CHECKPOINT_KEY)).sort()).toEqual([...STREAMS].sort());

    const resetGeneration = await resetThroughApi();
    expect(resetGeneration).toBe(1);
    // Changes while the children stop and the reset runs: the new snapshot must include them.
    await changeSource(200);
    await waitFor(
      'the reset to be carried out',
      async () => {
        const done = Number((await status()).fields[RESET_DONE_FIELD] ?? 0);
        return done === resetGeneration;
      },
      { timeoutMs: 90_000, intervalMs: 100 },
    );
    const [summary, ...more] = await logged('Pipeline reset');
    expect(more).toEqual([]);
    expect(summary).toMatchObject({ offsetKeys: 1, streams: 3, checkpoints: 3, slotDropped: true });
    expect(summary?.targetKeys).toBeGreaterThan(1);
    expect(await target.exists(stray)).toBe(0);

    await waitForDataPlane(rdi, PIPELINE, OPERATOR);
    const restarted = await status();
    expect(JSON.parse(restarted.fields.snapshot ?? '{}')).toMatchObject({ completed: true });
    // A stop for a reset is not a restart.
    expect(component(restarted, 'processor')?.restarts).toBe(2);
    expect(component(restarted, 'collector')?.restarts).toBe(1);
    // Changes after the new snapshot are captured as CDC again.
    await changeSource(200);
    await waitForTargetEqualsSource();
    // New streams: the snapshot re-read each table's current rows, fewer entries than the
    // first snapshot plus every change since (updates and deletes included) had added.
    const addedAfter = await entriesAdded();
    for (const [i, before] of addedBefore.entries()) {
      expect(addedAfter[i]).toBeLessThan(before);
    }
    expect((await target.hkeys(CHECKPOINT_KEY)).sort()).toEqual([...STREAMS].sort());
    expect(await rdi.exists(DEBEZIUM_OFFSETS_KEY)).toBe(1);
    // Through all three lifecycles no reconcile step failed.
    expect(await logged('Reconcile step failed')).toEqual([]);
  });
});
