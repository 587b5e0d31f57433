// Two operators on the real stack (PostgreSQL, RDI Redis, target Redis, Debezium Server) with
// a 3 s lease, under a running workload: kill -9 of the leader's machine (its whole process
// group), then a leader frozen past its lease (SIGSTOP of the operator and its processor) whose
// processor resumes first and is refused by a fence. The target must equal the source.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FENCE_KEY, LEADER_LEASE_KEY } from '../pipeline/redis-keys.ts';
import { setDesiredState } from '../api/store/control-store.ts';
import { savePipeline } from '../api/store/pipeline-store.ts';
import { pipelineConfigText } from '../harness/pipeline.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import { workloadUntilStopped } from './support/background-workload.ts';
import { differences } from './support/compare-target.ts';
import {
  component,
  readStatus,
  startOperator,
  waitForDataPlane,
  type OperatorProcess,
} from './support/operator-process.ts';
import {
  createWorkload,
  WORKLOAD_SCHEMA,
  WORKLOAD_TABLES,
  type Workload,
} from './support/workload.ts';
import { storeStackSecrets } from './support/operator-pipeline.ts';

const LEASE_MS = 3_000;
const RENEW_MS = LEASE_MS / 3;
const PIPELINE = 'default';

const ctx = useTestContext();
let stack: Stack<'postgresql'>;
let rdi: Redis;
let target: Redis;
let db: pg.Client;
let workload: Workload;
const operators = new Map<string, OperatorProcess>();

const shapes = [
  { table: 'accounts', keyColumns: ['id'] },
  { table: 'events', keyColumns: ['id'] },
  { table: 'holdings', keyColumns: ['account_id', 'symbol'] },
];

async function launch(id: string): Promise<OperatorProcess> {
  const operator = await startOperator(ctx, id, {
    rdiUrl: stack.rdi.url,
    pipeline: PIPELINE,
    leaseMs: LEASE_MS,
    tickMs: 250,
    minPauseMs: 2_000,
  });
  operators.set(id, operator);
  return operator;
}

async function leaseHolder(): Promise<{ holder: string; epoch: number } | undefined> {
  const lease = await rdi.hgetall(LEADER_LEASE_KEY);
  if (lease.holder === undefined || Number(lease.expires_at) <= Date.now()) return undefined;
  return { holder: lease.holder, epoch: Number(lease.epoch) };
}

async function waitForTargetEqualsSource(): Promise<void> {
  let diff = '';
  await waitFor(
    'the target to equal the source',
    async () => {
      diff = await differences(db, target, shapes);
      if (diff === '') return true;
      throw new Error(diff);
    },
    { timeoutMs: 90_000, intervalMs: 1000 },
  );
  expect(diff).toBe('');
}

async function processorLogs(operator: OperatorProcess): Promise<string> {
  const entries = await readdir(operator.workDir, { recursive: true, withFileTypes: true });
  const logs = entries.filter((e) => e.isFile() && e.name === 'processor.log');
  const texts = await Promise.all(logs.map((e) => readFile(join(e.parentPath, e.name), 'utf8')));
  return texts.join('\n');
}

beforeAll(async () => {
  stack = await startStack({ source: 'postgresql', dir: ctx.dir, registry: ctx.registry });
  await stack.source.query(WORKLOAD_SCHEMA);
  rdi = new Redis(stack.rdi.url);
  target = new Redis(stack.target.url);
  db = new pg.Client({
    host: stack.source.host,
    port: stack.source.port,
    user: stack.source.user,
    password: stack.source.password,
    database: stack.source.database,
  });
  await db.connect();
  workload = createWorkload(20260501);
  await workload.run(db, { changes: 500 });

  // Stored the way the api stores a deployed pipeline, with its secrets, then started.
  await storeStackSecrets(rdi, stack);
  const config = pipelineConfigText('postgresql', {
    sourceName: 'bank',
    database: stack.source.database,
    tables: [...WORKLOAD_TABLES],
    processorSettings: ['read_batch_size: 200'],
  });
  await savePipeline(rdi, PIPELINE, { config, jobs: {} }, { mode: 'create', now: Date.now() });
  await setDesiredState(rdi, PIPELINE, 'started', 'e2e', Date.now());

  // The first operator becomes the leader; the second stands by.
  await launch('op-a');
  await waitFor('op-a to lead', async () => (await leaseHolder())?.holder === 'op-a');
  await launch('op-b');
  await waitForDataPlane(rdi, PIPELINE, 'op-a');
  await waitForTargetEqualsSource();
});

afterAll(async () => {
  await db.end();
  await rdi.quit();
  await target.quit();
});

describe('operator failover', () => {
  it('hands the pipeline to the standby after kill -9 of the leader', async () => {
    const before = await leaseHolder();
    expect(before?.holder).toBe('op-a');
    const leader = operators.get('op-a');
    if (leader === undefined) throw new Error('no op-a');
    const writes = workloadUntilStopped(workload, db);
    await sleep(1_500);
    // A machine crash: the operator and every child of it die at once.
    process.kill(-leader.pid, 'SIGKILL');
    const killedAt = Date.now();
    const after = await waitFor(
      'the standby to take the lease',
      async () => {
        const holder = await leaseHolder();
        return holder !== undefined && holder.holder !== 'op-a' ? holder : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 20 },
    );
    const takeoverMs = Date.now() - killedAt;
    console.info(`kill -9 takeover: ${takeoverMs} ms (lease ${LEASE_MS} ms)`);
    expect(after.holder).toBe('op-b');
    expect(after.epoch).toBeGreaterThan(before?.epoch ?? 0);
    expect(takeoverMs).toBeLessThanOrEqual(LEASE_MS + RENEW_MS + 500);
    await waitForDataPlane(rdi, PIPELINE, 'op-b');
    await sleep(2_000);
    const changes = await writes.stop();
    expect(changes).toBeGreaterThan(0);
    await waitForTargetEqualsSource();
    expect(Number(await target.get(FENCE_KEY))).toBe(after.epoch);
  });

  it('fences the late writes of a leader frozen past its lease', async () => {
    await launch('op-c');
    const leader = operators.get('op-b');
    if (leader === undefined) throw new Error('no op-b');
    const before = await leaseHolder();
    expect(before?.holder).toBe('op-b');
    const processorPid = component(await readStatus(rdi, PIPELINE), 'processor')?.pid;
    if (processorPid === undefined) throw new Error('op-b reports no processor pid');

    const writes = workloadUntilStopped(workload, db);
    await sleep(1_000);
    // The leader and its processor freeze (a stalled VM, a long GC pause of both); its
    // Debezium Server keeps running until the new leader ends its replication connection.
    process.kill(leader.pid, 'SIGSTOP');
    process.kill(processorPid, 'SIGSTOP');
    const frozenAt = Date.now();
    const after = await waitFor(
      'the standby to take the lease',
      async () => {
        const holder = await leaseHolder();
        return holder !== undefined && holder.holder !== 'op-b' ? holder : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 20 },
    );
    console.info(`SIGSTOP takeover: ${Date.now() - frozenAt} ms (lease ${LEASE_MS} ms)`);
    expect(after.holder).toBe('op-c');
    await waitForDataPlane(rdi, PIPELINE, 'op-c');
    // The new term has written to the target.
    await waitFor('the new epoch in the target', async () => {
      return Number(await target.get(FENCE_KEY)) === after.epoch;
    });

    // The worst interleaving on resume: the old processor runs before its operator notices
    // the lost lease. A batch it had read before the freeze is refused by the target's fence
    // (FENCED); any further read is refused by the RDI database (its term's user is gone).
    const fenceBefore = await target.get(FENCE_KEY);
    process.kill(processorPid, 'SIGCONT');
    const refusal = await waitFor(
      'the old processor to be refused',
      async () => {
        const log = await processorLogs(leader);
        if (log.includes('fenced off')) return 'target fence (FENCED)';
        if (/WRONGPASS|NOAUTH|NOPERM/.test(log)) return 'RDI database (term user deleted)';
        return undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    console.info(`late processor refused by the ${refusal}`);
    expect(await target.get(FENCE_KEY)).toBe(fenceBefore);
    process.kill(leader.pid, 'SIGCONT');
    await waitFor('the old operator to step down', async () => {
      const log = await readFile(leader.logFile, 'utf8');
      return log.includes('Lost the leadership');
    });
    await sleep(1_000);
    const changes = await writes.stop();
    expect(changes).toBeGreaterThan(0);
    await waitForTargetEqualsSource();
    expect(Number(await target.get(FENCE_KEY))).toBe(after.epoch);
    expect((await leaseHolder())?.holder).toBe('op-c');
  });
});
