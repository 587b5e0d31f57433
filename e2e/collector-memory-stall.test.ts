// Issue 13, item 5: no silent stall. A 64 MB RDI database and a 40-column table whose entries
// are ~3.3 KB: Debezium Server's Redis sink (real, from the harness) refuses every batch, since
// used_memory + 30,000 × entry size is far above maxmemory, and nothing reaches the streams.
// The operator must say so — status error with the numbers and the remedy (phase unchanged),
// `sluice status` text, the exporter's metric, its log — and the stall must end once the
// remedy (a larger maxmemory) is applied.
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.ts';
import { rdiAuthenticator } from '../api/auth/rdi-authenticator.ts';
import { readSnapshot } from '../api/exporter/exporter-snapshot.ts';
import { registerRdiMetrics } from '../api/exporter/rdi-metrics.ts';
import { connectionTester } from '../api/net/test-connections.ts';
import { MAXMEMORY_TOO_SMALL } from '../api/operator/maxmemory-check.ts';
import { SINK_MEMORY_STALL } from '../api/operator/sink-memory-stall.ts';
import { setDesiredState } from '../api/store/control-store.ts';
import { savePipeline } from '../api/store/pipeline-store.ts';
import { statusText, type Status } from '../cli/commands/status-text.ts';
import { pipelineConfigText } from '../harness/pipeline.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import { systemClock } from '../processor/ports.ts';
import {
  operatorLog,
  readStatus,
  startOperator,
  type OperatorProcess,
} from './support/operator-process.ts';
import { storeStackSecrets } from './support/operator-pipeline.ts';

const PIPELINE = 'default';
const SOURCE = 'wide';
const OPERATOR = 'op-stall';
const COLUMNS = 40;
const ROWS = 20;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

const ctx = useTestContext();
let stack: Stack<'postgresql'>;
let rdi: Redis;
let target: Redis;
let operator: OperatorProcess;

/** `sluice status`'s text, from the api's status route (the real app, through inject). */
async function cliStatusText(): Promise<string> {
  const [user, password] = ['e2e-admin', 'e2e admin password'];
  await rdi.call('ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '&*', '+@all');
  const app = await buildApp({
    rdi,
    authenticate: rdiAuthenticator({ host: stack.rdi.host, port: stack.rdi.port }),
    clock: systemClock,
    logger: quiet,
    token: {
      secret: new TextEncoder().encode('e2e-collector-memory-stall-0123456789abcdef'),
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
      method: 'GET',
      url: `/api/v2/pipelines/${PIPELINE}/status`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(reply.statusCode).toBe(200);
    return statusText(reply.json<Status>(), Date.now());
  } finally {
    await app.close();
  }
}

/** The exporter's text for this pipeline (its registry, read from the RDI database). */
async function metricsText(): Promise<string> {
  const registry = new Registry();
  const read = () =>
    readSnapshot({ rdi, pipeline: PIPELINE, clock: systemClock, debeziumMetricsUrl: undefined });
  registerRdiMetrics({ registry, read, pipeline: PIPELINE, operatorId: OPERATOR });
  return registry.metrics();
}

beforeAll(async () => {
  stack = await startStack({
    source: 'postgresql',
    dir: ctx.dir,
    registry: ctx.registry,
    rdiMaxmemory: '64mb',
  });
  const columns = Array.from({ length: COLUMNS }, (_, i) => `column_${String(i).padStart(2, '0')}`);
  await stack.source.query(
    `CREATE TABLE wide_rows (id integer PRIMARY KEY, ${columns.map((c) => `${c} text`).join(', ')})`,
  );
  for (let id = 1; id <= ROWS; id++) {
    const values = columns.map((_, i) => `'${`row ${id} column ${i} `.padEnd(60, 'x')}'`);
    await stack.source.query(`INSERT INTO wide_rows VALUES (${id}, ${values.join(', ')})`);
  }
  rdi = new Redis(stack.rdi.url);
  target = new Redis(stack.target.url);
  await storeStackSecrets(rdi, stack);
  const config = pipelineConfigText('postgresql', {
    sourceName: SOURCE,
    database: stack.source.database,
    tables: ['wide_rows'],
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
  await rdi.quit();
  await target.quit();
});

describe('a collector stalled by the sink memory threshold', () => {
  it('is reported with the numbers and the remedy, and ends once maxmemory is raised', async () => {
    const stalled = await waitFor(
      'the operator to report the stall',
      async () => {
        const status = await readStatus(rdi, PIPELINE);
        const error = status.errors.find((e) => e.code === SINK_MEMORY_STALL);
        if (error !== undefined) return { status, error };
        throw new Error(JSON.stringify({ ...status, fields: undefined }));
      },
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    // Nothing was written: the sink refused the very first batch.
    expect(await rdi.keys('data:*')).toEqual([]);
    expect(stalled.status.phase).not.toBe('error');
    expect(['starting', 'initial_sync']).toContain(stalled.status.phase);
    expect(stalled.error.message).toContain('maxmemory 64.0 MB');
    expect(stalled.error.message).toMatch(/Debezium: estimated [\d.]+ MB ≥ maxmemory 64\.00 MB/);
    expect(stalled.error.message).toContain('the processor has nothing left to read');
    const remediation = (stalled.error as { remediation?: string }).remediation ?? '';
    const needed = Number(/at least (\d+) MB/.exec(remediation)?.[1]);
    // 40 columns of 60 characters: compact entries of ~3.3 KB; 30,000 of them need well over
    // the 64 MB given (measured: 139 MB; ~12 KB entries needed 250+ MB before they were compact).
    expect(needed).toBeGreaterThan(96);

    // The deploy's warning, from the table's columns before any entry existed.
    const warning = await waitFor(
      'the maxmemory warning',
      async () => {
        const found: { message: string; remediation?: string } | undefined = (
          await readStatus(rdi, PIPELINE)
        ).errors.find((e) => e.code === MAXMEMORY_TOO_SMALL);
        if (found !== undefined) return found;
        throw new Error('no warning yet');
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(warning.message).toContain('too small for entries of public.wide_rows');
    const warnedNeed = Number(/at least (\d+) MB/.exec(warning.remediation ?? '')?.[1]);
    expect(warnedNeed).toBeGreaterThan(96);

    const text = await cliStatusText();
    expect(text).toContain(`! ${SINK_MEMORY_STALL}: Debezium's Redis sink is holding changes back`);
    expect(text).toContain("→ raise the RDI database's maxmemory to at least");
    expect(await metricsText()).toContain(
      `sluice_collector_memory_stall{pipeline="${PIPELINE}"} 1`,
    );
    const warned = (await operatorLog(operator)).filter((e) =>
      e.message.startsWith('Collector stalled'),
    );
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ maxMemory: 64 * 1024 ** 2 });

    // The remedy: the sink writes at its next retry, the rows reach the target, the error goes.
    await rdi.config('SET', 'maxmemory', `${Math.max(needed, warnedNeed)}mb`);
    await waitFor(
      'every row in the target',
      async () => (await target.keys('wide_rows:*')).length === ROWS,
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    expect(await target.hget('wide_rows:id:7', 'column_39')).toBe(
      'row 7 column 39 '.padEnd(60, 'x'),
    );
    await waitFor(
      'the stall and the warning to be cleared',
      async () =>
        (await readStatus(rdi, PIPELINE)).errors.every(
          (e) => e.code !== SINK_MEMORY_STALL && e.code !== MAXMEMORY_TOO_SMALL,
        ),
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(await metricsText()).toContain(
      `sluice_collector_memory_stall{pipeline="${PIPELINE}"} 0`,
    );
    const cleared = (await operatorLog(operator)).filter((e) =>
      e.message.startsWith("Debezium's Redis sink writes again"),
    );
    expect(cleared).toHaveLength(1);
  });
});
