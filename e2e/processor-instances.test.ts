// Several processor processes on disjoint streams (`processors.instances: 2`), started by a real
// operator on the real stack (PostgreSQL, Debezium Server, RDI and target Redis), four tables.
// The status lists each instance with its pid; each stream is read by exactly the consumer of
// the instance its name hashes to (XINFO CONSUMERS), before and after a kill -9 of one
// instance under load; the operator restarts the group, no instance ever takes over another's
// entries, and the target ends equal to the source.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setDesiredState } from '../api/store/control-store.ts';
import { savePipeline } from '../api/store/pipeline-store.ts';
import { pipelineConfigText } from '../harness/pipeline.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import { PROCESSOR_GROUP } from '../pipeline/redis-keys.ts';
import { shardOfStream } from '../processor/core/stream-shard.ts';
import {
  readStatus,
  startOperator,
  type ComponentStatus,
  type OperatorProcess,
} from './support/operator-process.ts';
import {
  connectSource,
  storeStackSecrets,
  waitForTargetEqualsSource,
} from './support/operator-pipeline.ts';
import {
  createWorkload,
  WORKLOAD_SCHEMA,
  WORKLOAD_TABLES,
  type Workload,
} from './support/workload.ts';

const PIPELINE = 'default';
// A source name whose four streams hash two to each instance (stream-shard.ts).
const SOURCE = 'shards';
const OPERATOR = 'op-shards';
const TABLES = [...WORKLOAD_TABLES, 'audit'];
const STREAMS = TABLES.map((t) => `data:${SOURCE}.public.${t}`);

const ctx = useTestContext();
let stack: Stack<'postgresql'>;
let rdi: Redis;
let target: Redis;
let db: Client;
let workload: Workload;
let operator: OperatorProcess;
let auditNext = 1;

const shapes = [
  { table: 'accounts', keyColumns: ['id'] },
  { table: 'events', keyColumns: ['id'] },
  { table: 'holdings', keyColumns: ['account_id', 'symbol'] },
  { table: 'audit', keyColumns: ['id'] },
];

/** Changes to all four tables: the workload's three, and inserts, updates, deletes of audit. */
async function changeSource(changes: number): Promise<void> {
  await workload.run(db, { changes, perTransaction: 10 });
  const [from, to] = [auditNext, auditNext + Math.floor(changes / 4)];
  auditNext = to + 1;
  await db.query(
    `INSERT INTO audit SELECT g, 'entry ' || g, g * 1.25 FROM generate_series(${from}, ${to}) g`,
  );
  await db.query(
    `UPDATE audit SET amount = amount + 1 WHERE id BETWEEN ${from} AND ${to} AND id % 3 = 0`,
  );
  await db.query(`DELETE FROM audit WHERE id BETWEEN ${from} AND ${to} AND id % 7 = 0`);
}

/** The processor instances in the status, once all three children run in CDC. */
async function runningInstances(notPids: readonly number[] = []): Promise<ComponentStatus[]> {
  return waitFor(
    'the collector and two processor instances to run in CDC',
    async () => {
      const s = await readStatus(rdi, PIPELINE);
      const instances = s.components.filter((c) => c.type === 'processor');
      const ready =
        s.phase === 'cdc' &&
        s.components.every((c) => c.state === 'running' && c.pid !== undefined) &&
        instances.length === 2 &&
        instances.every((c) => !notPids.includes(c.pid ?? -1));
      if (ready) return instances;
      throw new Error(`status: ${JSON.stringify({ ...s, fields: undefined })}`);
    },
    { timeoutMs: 180_000, intervalMs: 250 },
  );
}

/** Per stream, the names of the group's consumers (XINFO CONSUMERS). */
async function consumersByStream(): Promise<string[][]> {
  return Promise.all(
    STREAMS.map(async (stream) => {
      const reply = (await rdi.xinfo('CONSUMERS', stream, PROCESSOR_GROUP)) as unknown[][];
      return reply.map((fields) => String(fields[fields.indexOf('name') + 1])).sort();
    }),
  );
}

/** Each stream read by its owner only: `<operator>-e<epoch>-p<instance>`. */
async function expectOwnersOnly(): Promise<void> {
  const epoch = (await readStatus(rdi, PIPELINE)).fields.epoch;
  expect(await consumersByStream()).toEqual(
    STREAMS.map((stream) => [`${OPERATOR}-e${epoch}-p${shardOfStream(stream, 2)}`]),
  );
}

/** The processor instances' own logs, in the operator's working folder. */
async function processorLogs(): Promise<string[]> {
  const files = await readdir(operator.workDir, { recursive: true });
  const logs = files.filter((f) => /(^|\/)processor-\d\.log$/.test(f)).sort();
  return Promise.all(logs.map((f) => readFile(join(operator.workDir, f), 'utf8')));
}

beforeAll(async () => {
  stack = await startStack({ source: 'postgresql', dir: ctx.dir, registry: ctx.registry });
  await stack.source.query(WORKLOAD_SCHEMA);
  await stack.source.query(
    'CREATE TABLE audit (id integer PRIMARY KEY, note text NOT NULL, amount numeric(12,2))',
  );
  rdi = new Redis(stack.rdi.url);
  target = new Redis(stack.target.url);
  db = await connectSource(stack);
  workload = createWorkload(20261204);
  await changeSource(400);

  await storeStackSecrets(rdi, stack);
  const config = pipelineConfigText('postgresql', {
    sourceName: SOURCE,
    database: stack.source.database,
    tables: TABLES,
    processorSettings: ['instances: 2', 'read_batch_size: 100'],
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
});

afterAll(async () => {
  await db.end();
  await rdi.quit();
  await target.quit();
});

describe('two processor instances on disjoint streams', () => {
  it('are listed with their pids and read only the streams they own', async () => {
    const instances = await runningInstances();
    expect(instances.map((c) => c.name).sort()).toEqual(['processor-1', 'processor-2']);
    expect(new Set(instances.map((c) => c.pid)).size).toBe(2);
    // The chosen source name spreads the streams over both instances.
    expect(new Set(STREAMS.map((s) => shardOfStream(s, 2)))).toEqual(new Set([1, 2]));
    await waitForTargetEqualsSource(db, target, shapes);
    await expectOwnersOnly();
  });

  it('survive a kill -9 of one instance under load: the group restarts, the target stays exact', async () => {
    const before = await runningInstances();
    const victim = before.find((c) => c.name === 'processor-2');
    if (victim?.pid === undefined) throw new Error(`no processor-2: ${JSON.stringify(before)}`);
    // Killed while the processors work through the first part; the rest arrives meanwhile.
    await changeSource(700);
    process.kill(victim.pid, 'SIGKILL');
    await changeSource(800);
    const after = await runningInstances(before.map((c) => c.pid ?? -1));
    expect(after.every((c) => c.restarts === 1)).toBe(true);
    await changeSource(200);
    await waitForTargetEqualsSource(db, target, shapes);
    await expectOwnersOnly();
    // Neither instance ever found entries pending under another consumer of its streams.
    const logs = await processorLogs();
    expect(logs).toHaveLength(2);
    for (const log of logs) {
      expect(log.split('"message":"Processor started."').length - 1).toBe(2);
      expect(log).not.toContain('Took over pending entries.');
    }
  });
});
