// TLS to the RDI database on the real stack: the RDI Redis listens on a TLS port only and
// requires client certificates (`port 0`, `tls-auth-clients yes`). The operator (which renders
// Debezium Server's key stores and starts it and the processor), the API process and the
// exporter process all reach it through SLUICE_RDI_URL=rediss://… and SLUICE_RDI_CACERT/CERT/KEY;
// the snapshot and streamed changes must reach the target key by key. A plaintext client and a
// client trusting the wrong CA are refused with a coded error, quickly, never a hang.
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../common/free-port.ts';
import { connectRdi } from '../common/rdi-connect.ts';
import { RDI_TLS_ENV, rdiRedisOptions } from '../common/rdi-tls.ts';
import { setDesiredState } from '../api/store/control-store.ts';
import { savePipeline } from '../api/store/pipeline-store.ts';
import { pipelineConfigText } from '../harness/pipeline.ts';
import { startServerProcess } from '../harness/server-process.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { makeTlsCertificates } from '../harness/tls-certificates.ts';
import { storeStackSecrets, waitForTargetEqualsSource } from './support/operator-pipeline.ts';
import { startOperator, waitForDataPlane } from './support/operator-process.ts';
import {
  createWorkload,
  WORKLOAD_SCHEMA,
  WORKLOAD_TABLES,
  type Workload,
} from './support/workload.ts';

const run = promisify(execFile);
const PIPELINE = 'default';
const SOURCE = 'bank';
const OPERATOR = 'op-tls';
const REPO = join(import.meta.dirname, '..');
const shapes = [
  { table: 'accounts', keyColumns: ['id'] },
  { table: 'events', keyColumns: ['id'] },
  { table: 'holdings', keyColumns: ['account_id', 'symbol'] },
];

const ctx = useTestContext();
let stack: Stack<'postgresql'>;
let tlsEnv: Record<string, string>;
let rdi: Redis;
let target: Redis;
let db: pg.Client;
let workload: Workload;
/** A config.yaml the processor loads before it connects to the RDI database. */
let processorConfig: string;

function targetEqualsSource(): Promise<void> {
  return waitForTargetEqualsSource(db, target, shapes);
}

/** Runs `node <script>` with the TLS settings changed by `env`; its exit code and output. */
async function runNode(
  script: string,
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number; output: string }> {
  // An undefined value removes the variable.
  const merged = Object.fromEntries(
    Object.entries({ ...process.env, ...tlsEnv, ...env }).filter(
      ([, value]) => value !== undefined,
    ),
  );
  try {
    const { stdout, stderr } = await run(process.execPath, [join(REPO, script), ...args], {
      env: merged,
      timeout: 60_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string; killed?: boolean };
    if (failed.killed === true) throw new Error(`${script} hung: killed after 60 s`);
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

beforeAll(async () => {
  stack = await startStack({
    source: 'postgresql',
    dir: ctx.dir,
    registry: ctx.registry,
    rdiTls: { requireClientCertificates: true },
  });
  const certs = stack.rdi.tls;
  if (certs === undefined) throw new Error('the RDI database was started without TLS');
  tlsEnv = {
    SLUICE_RDI_URL: stack.rdi.url,
    [RDI_TLS_ENV.cacert]: certs.ca,
    [RDI_TLS_ENV.cert]: certs.clientCert,
    [RDI_TLS_ENV.key]: certs.clientKey,
  };
  rdi = new Redis(stack.rdi.url, { lazyConnect: true, ...rdiRedisOptions(stack.rdi.url, tlsEnv) });
  await connectRdi(rdi, stack.rdi.url);
  target = new Redis(stack.target.url, { maxRetriesPerRequest: 1 });
  target.on('error', () => undefined);
  await stack.source.query(WORKLOAD_SCHEMA);
  db = new pg.Client({
    host: stack.source.host,
    port: stack.source.port,
    user: stack.source.user,
    password: stack.source.password,
    database: stack.source.database,
  });
  await db.connect();
  workload = createWorkload(20261204);
  await workload.run(db, { changes: 300 });
  await storeStackSecrets(rdi, stack);
  const config = pipelineConfigText('postgresql', {
    sourceName: SOURCE,
    database: stack.source.database,
    tables: [...WORKLOAD_TABLES],
  });
  await savePipeline(rdi, PIPELINE, { config, jobs: {} }, { mode: 'create', now: Date.now() });
  await setDesiredState(rdi, PIPELINE, 'started', 'e2e', Date.now());
  // A folder of its own: the processor reads job files beside config.yaml.
  await mkdir(join(ctx.dir, 'processor'));
  processorConfig = join(ctx.dir, 'processor', 'config.yaml');
  await writeFile(
    processorConfig,
    `sources: {}\ntargets:\n  target:\n    connection:\n      type: redis\n      host: ${stack.target.host}\n      port: ${stack.target.port}\n`,
  );
}, 300_000);

afterAll(async () => {
  await db.end();
  rdi.disconnect();
  target.disconnect();
});

describe('a TLS-only RDI database that requires client certificates', () => {
  it('carries the snapshot and streamed changes from the collector through the processor', async () => {
    const operator = await startOperator(ctx, OPERATOR, {
      rdiUrl: stack.rdi.url,
      pipeline: PIPELINE,
      leaseMs: 6_000,
      tickMs: 250,
      minPauseMs: 2_000,
      env: tlsEnv,
    });
    await waitForDataPlane(rdi, PIPELINE, OPERATOR, 240_000);
    await targetEqualsSource();
    // The collector wrote its offsets and the change streams over TLS.
    expect(await rdi.exists(`data:${SOURCE}.public.accounts`)).toBe(1);
    await workload.run(db, { changes: 300, perTransaction: 10 });
    await targetEqualsSource();
    // The collector's key stores: files only their owner reads; the properties name them and
    // refer to their password through the environment.
    const files = (await readdir(operator.workDir, { recursive: true })).map((f) =>
      join(operator.workDir, f),
    );
    const stores = files.filter((f) => f.endsWith('.p12'));
    expect(stores.map((f) => f.split('/').at(-1)).sort()).toEqual([
      'keystore.p12',
      'truststore.p12',
    ]);
    for (const store of stores) expect((await stat(store)).mode & 0o777).toBe(0o600);
    const propertiesFile = files.find((f) => f.endsWith('application.properties'));
    const properties = await readFile(propertiesFile ?? 'missing', 'utf8');
    expect(properties).toContain('debezium.sink.redis.ssl.enabled=true');
    expect(properties).toContain('debezium.source.offset.storage.redis.ssl.enabled=true');
    expect(properties).toMatch(/ssl\.keystore\.password=\$\{SLUICE_RDI_DB_TLS_STORE_PASSWORD\}/);
    expect(properties).not.toContain('BEGIN');
  }, 600_000);

  it('serves statistics read from it through the API and the exporter processes', async () => {
    const [user, password] = ['tls-admin', 'tls admin password'];
    await rdi.call('ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '&*', '+@all');
    const apiPort = await freePort();
    const env = {
      ...process.env,
      ...tlsEnv,
      SLUICE_API_HOST: '127.0.0.1',
      SLUICE_API_PORT: String(apiPort),
      SLUICE_JWT_SECRET: 'e2e-rdi-tls-jwt-secret-0123456789abcdef',
    };
    const api = `http://127.0.0.1:${apiPort}`;
    await startServerProcess({
      registry: ctx.registry,
      spawn: {
        name: 'api',
        command: process.execPath,
        args: [join(REPO, 'api', 'server.ts')],
        logFile: join(ctx.dir, 'api.log'),
        env,
      },
      isReady: async () => (await fetch(`${api}/api/v2/info`)).ok,
    });
    const login = await fetch(`${api}/api/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user, password }),
    });
    expect(login.status).toBe(200);
    const { access_token: token } = (await login.json()) as { access_token: string };
    const status = await fetch(`${api}/api/v2/pipelines/${PIPELINE}/status`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(status.status).toBe(200);
    const body = (await status.json()) as {
      phase: string;
      streams: { table: string; inserted: number }[];
    };
    expect(body.phase).toBe('cdc');
    const accounts = body.streams.find((s) => s.table === `${SOURCE}.public.accounts`);
    expect(accounts?.inserted).toBeGreaterThan(0);

    const exporterPort = await freePort();
    const metricsUrl = `http://127.0.0.1:${exporterPort}/metrics`;
    await startServerProcess({
      registry: ctx.registry,
      spawn: {
        name: 'exporter',
        command: process.execPath,
        args: [
          join(REPO, 'api', 'exporter-main.ts'),
          ...['--port', String(exporterPort), '--host', '127.0.0.1', '--pipeline', PIPELINE],
        ],
        logFile: join(ctx.dir, 'exporter.log'),
        env,
      },
      isReady: async () => (await fetch(metricsUrl)).ok,
    });
    const metrics = await (await fetch(metricsUrl)).text();
    const inserted = new RegExp(
      `^rdi_incoming_entries\\{[^}]*data_source="${SOURCE}\\.public\\.accounts"[^}]*operation="inserted"[^}]*\\} (\\d+)`,
      'm',
    ).exec(metrics);
    expect(Number(inserted?.[1])).toBeGreaterThan(0);
  }, 300_000);

  it('refuses a plaintext client, with a clear error', async () => {
    const plainUrl = stack.rdi.url.replace('rediss://', 'redis://');
    const plain = new Redis(plainUrl, { lazyConnect: true, maxRetriesPerRequest: 0 });
    const refused: unknown = await connectRdi(plain, plainUrl).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'RDI_DB_UNAVAILABLE' });
    expect((refused as { hint?: string }).hint).toContain('rediss://');
    plain.disconnect();
    // The processor given a plaintext URL stops with that error instead of retrying forever.
    const processor = await runNode('processor/main.ts', ['--config', processorConfig], {
      SLUICE_RDI_URL: plainUrl,
      [RDI_TLS_ENV.cacert]: undefined,
      [RDI_TLS_ENV.cert]: undefined,
      [RDI_TLS_ENV.key]: undefined,
    });
    expect(processor.code).toBe(2);
    expect(processor.output).toContain('RDI_DB_UNAVAILABLE');
    expect(processor.output).toContain('rediss://');
    // redis-cli without --tls gets no reply either.
    const cli = await run('redis-cli', ['-p', String(stack.rdi.port), 'PING']).catch(
      (error: unknown) => error as { stdout: string; stderr: string },
    );
    expect(`${cli.stdout}${cli.stderr}`).not.toContain('PONG');
  });

  it('refuses a client that trusts the wrong CA or has no client certificate, with a clear error', async () => {
    const other = await makeTlsCertificates(join(ctx.dir, 'other-ca'), 'Another CA');
    for (const [script, args] of [
      ['processor/main.ts', ['--config', processorConfig]],
      ['api/exporter-main.ts', ['--port', '0', '--host', '127.0.0.1']],
      ['api/operator-main.ts', ['--id', 'wrong-ca', '--work-dir', join(ctx.dir, 'wrong-ca')]],
    ] as const) {
      const wrongCa = await runNode(script, [...args], { [RDI_TLS_ENV.cacert]: other.ca });
      expect({ script, code: wrongCa.code }).toEqual({ script, code: 2 });
      expect(wrongCa.output).toContain('RDI_DB_TLS');
      expect(wrongCa.output).toContain('not trusted');
    }
    const noCert = await runNode('api/exporter-main.ts', ['--port', '0', '--host', '127.0.0.1'], {
      [RDI_TLS_ENV.cert]: undefined,
      [RDI_TLS_ENV.key]: undefined,
    });
    expect(noCert.code).toBe(2);
    expect(noCert.output).toContain('RDI_DB_TLS');
    expect(noCert.output).toContain('client certificate');
  }, 300_000);
});
