// The demo's servers, each a child process on a free port with its files in the demo's
// folder: PostgreSQL with the seeded shop database, the RDI database (Redis with a password,
// AOF, maxmemory, noeviction), the target Redis, the REST API and the operator. The operator
// (in its own process group) starts Debezium Server and the processor once a pipeline is
// deployed; stopping it stops them, and killing it kills its whole group.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../common/free-port.ts';
import { spawnLoggedProcess } from '../debezium-config/launch-child-process.ts';
import { readLogTail } from '../debezium-config/launch-log-tail.ts';
import { startPostgres, type PostgresInstance } from '../harness/postgres.ts';
import type { ProcessRegistry } from '../harness/process-registry.ts';
import { startRedis, type RedisInstance } from '../harness/redis.ts';
import { waitFor } from '../harness/wait-for.ts';

const REPO = join(import.meta.dirname, '..');
/** The RDI database user the demo logs in as (Redis's own default user). */
export const RDI_USER = 'default';

export interface DemoStack {
  readonly source: PostgresInstance;
  readonly rdi: RedisInstance;
  readonly target: RedisInstance;
  /** Password of the RDI database's default user: the API login. */
  readonly rdiPassword: string;
  readonly apiUrl: string;
  /** Rows seeded per table of the shop database. */
  readonly seeded: Readonly<Record<string, number>>;
}

const SHOP_TABLES = ['customers', 'products', 'orders', 'order_items'] as const;

/** Starts everything; resolves once each part answers. Every started process is registered. */
export async function startDemoStack(
  dir: string,
  registry: ProcessRegistry,
  print: (line: string) => void,
): Promise<DemoStack> {
  const rdiPassword = randomBytes(9).toString('base64url');
  const sourceReady = (async () => {
    const source = await startPostgres({ dir: join(dir, 'postgres'), registry, database: 'shop' });
    await source.query(await readFile(join(import.meta.dirname, 'schema.sql'), 'utf8'));
    const seeded = await countRows(source);
    const rows = Object.values(seeded).reduce((sum, n) => sum + n, 0);
    print(`  PostgreSQL   127.0.0.1:${source.port}, shop database seeded with ${count(rows)} rows`);
    return { source, seeded };
  })();
  const rdiReady = (async () => {
    const rdi = await startRedis({
      dir: join(dir, 'rdi'),
      registry,
      appendonly: true,
      maxmemory: '512mb',
    });
    // Set after start: the harness checks readiness with a PING without a password.
    const admin = new Redis(rdi.url);
    await admin.config('SET', 'requirepass', rdiPassword);
    admin.disconnect();
    print(`  RDI database 127.0.0.1:${rdi.port} (Redis: change streams, config, status)`);
    return rdi;
  })();
  const targetReady = startRedis({ dir: join(dir, 'target'), registry }).then((target) => {
    print(`  Target Redis 127.0.0.1:${target.port}`);
    return target;
  });
  const rdiUrl = rdiReady.then(
    (rdi) => `redis://${RDI_USER}:${encodeURIComponent(rdiPassword)}@127.0.0.1:${rdi.port}`,
  );
  const apiReady = rdiUrl.then(async (url) => {
    const apiUrl = await startApi(dir, registry, url);
    print(`  REST API     ${apiUrl}  (OpenAPI docs at ${apiUrl}/docs)`);
    return apiUrl;
  });
  const operatorReady = rdiUrl.then(async (url) => {
    await startOperator(dir, registry, url);
    print('  Operator     leads the pipeline; waits for one to be deployed');
  });
  // Every start settles before a failure is raised: a server still starting while the demo
  // stops would escape the registry.
  const settled = await Promise.allSettled([
    sourceReady,
    rdiReady,
    targetReady,
    apiReady,
    operatorReady,
  ]);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  const [{ source, seeded }, rdi, target, apiUrl] = await Promise.all([
    sourceReady,
    rdiReady,
    targetReady,
    apiReady,
  ]);
  return { source, rdi, target, rdiPassword, apiUrl, seeded };
}

async function countRows(source: PostgresInstance): Promise<Record<string, number>> {
  const sql = SHOP_TABLES.map((t) => `SELECT '${t}', count(*) FROM ${t}`).join(' UNION ALL ');
  const rows = await source.query(sql);
  return Object.fromEntries(rows.map(([table, n]) => [table ?? '', Number(n)]));
}

async function startApi(dir: string, registry: ProcessRegistry, rdiUrl: string): Promise<string> {
  const port = await freePort();
  const child = await spawnLoggedProcess({
    name: 'api',
    command: process.execPath,
    args: [join(REPO, 'api', 'server.ts')],
    logFile: join(dir, 'api.log'),
    cwd: REPO,
    env: {
      ...process.env,
      SLUICE_RDI_URL: rdiUrl,
      SLUICE_API_HOST: '127.0.0.1',
      SLUICE_API_PORT: String(port),
      SLUICE_JWT_SECRET: randomBytes(32).toString('hex'),
      // One login lasts the whole demo, so `sluice status --live` never asks again.
      SLUICE_TOKEN_TTL_SECONDS: '86400',
    },
    stopGraceMs: 10_000,
  });
  registry.add({
    name: 'api',
    get pid() {
      return child.exitStatus() === undefined ? child.pid : undefined;
    },
    stop: () => child.stop(),
    kill: () => child.kill(),
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the API to answer', async () => (await fetch(`${url}/api/v2/info`)).ok, {
    timeoutMs: 60_000,
    intervalMs: 200,
    abortIf: () => exited(child.exitStatus()),
  }).catch(async (error: unknown) => {
    throw new Error(`${String(error)}\n${await readLogTail(join(dir, 'api.log'))}`);
  });
  return url;
}

/**
 * The operator in its own process group (so its children, Debezium Server and the processor,
 * can be killed with it as a last resort); the RDI URL with the password goes through the
 * environment, never the command line.
 */
async function startOperator(dir: string, registry: ProcessRegistry, rdiUrl: string) {
  const logFile = join(dir, 'operator.log');
  const log = await open(logFile, 'a');
  const child = spawn(
    process.execPath,
    [
      join(REPO, 'api', 'operator-main.ts'),
      ...['--id', 'demo-operator', '--pipeline', 'default', '--work-dir', join(dir, 'operator')],
    ],
    {
      cwd: REPO,
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
      env: { ...process.env, SLUICE_RDI_URL: rdiUrl },
    },
  );
  await log.close();
  const pid = child.pid;
  if (pid === undefined) throw new Error('the operator did not start');
  let status: string | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      status = signal === null ? `code ${code ?? '?'}` : `signal ${signal}`;
      resolve();
    });
  });
  const group = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone.
    }
  };
  registry.add({
    name: 'operator',
    get pid() {
      return status === undefined ? pid : undefined;
    },
    // SIGTERM: the operator stops Debezium Server (which flushes its offsets) and the
    // processor, then releases its lease; anything left in its group is killed after.
    stop: async () => {
      if (status === undefined) child.kill('SIGTERM');
      await exitedPromise;
      group('SIGKILL');
    },
    kill: async () => {
      group('SIGKILL');
      await exitedPromise;
    },
  });
  await waitFor(
    'the operator to start',
    async () => (await readFile(logFile, 'utf8')).includes('Operator started.'),
    {
      timeoutMs: 60_000,
      intervalMs: 200,
      abortIf: () => (status === undefined ? undefined : `the operator exited with ${status}`),
    },
  ).catch(async (error: unknown) => {
    throw new Error(`${String(error)}\n${await readLogTail(logFile)}`);
  });
}

function exited(exit: { code: number | null; signal: string | null } | undefined) {
  return exit === undefined ? undefined : `it exited (${exit.signal ?? exit.code ?? '?'})`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}
