// The compose stack for real: a private Docker engine (scripts/install-docker.sh), local base
// images from Debian packages (scripts/build-base-images.sh), the images built from
// docker/*.Dockerfile, then `docker compose up` of compose/compose.yaml (+ compose.ci.yaml, which
// swaps only Grafana's image). Checks what a user would: the seeded shop arrives in the target
// Redis under the documented keys, changes in the source follow, `sluice status` answers on the
// published API port, Prometheus has scraped the exporter and the collector; `down -v` leaves
// nothing behind. Then the same for the MariaDB variant (compose.mariadb.yaml). testcontainers
// (its compose support) brings each stack up and down; other commands use the docker CLI.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import {
  createConnection,
  type Connection,
  type ResultSetHeader,
  type RowDataPacket,
} from 'mysql2/promise';
import pg from 'pg';
import {
  DockerComposeEnvironment,
  Wait,
  type StartedDockerComposeEnvironment,
} from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../common/free-port.ts';
import { runCommand } from '../debezium-config/launch-run-command.ts';
import { startDockerEngine, type DockerEngine } from '../harness/docker-engine.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';

const ROOT = join(import.meta.dirname, '..');
const COMPOSE_DIR = join(ROOT, 'compose');
const CACHE = process.env.SLUICE_CACHE ?? join(process.env.HOME ?? '/root', '.cache', 'sluice');
/** The engine's image store, kept between runs (keyed by the engine's version). */
const DATA_ROOT = join(CACHE, 'docker-data-26.1.5');
// Cold: Debian bases, Debezium (~800 MB from Maven Central) and npm inside the builds.
const SETUP_TIMEOUT_MS = 60 * 60_000;
const STACK_TIMEOUT_MS = 20 * 60_000;
/** Where the logs of a stack that did not come up are kept. */
const FAILED_LOGS = join(ROOT, 'e2e', 'logs', 'compose');
const SHOP_TABLES = ['customers', 'products', 'orders', 'order_items'] as const;
const LONG_RUNNING = ['source', 'rdi', 'target', 'api', 'operator', 'exporter', 'prometheus'];
const PORT_NAMES = ['api', 'source', 'rdi', 'target', 'exporter', 'prometheus', 'grafana'] as const;

const ctx = useTestContext();
let engine: DockerEngine;
let imageEnv: NodeJS.ProcessEnv;
const timings: Record<string, number> = {};

async function timed<T>(name: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await step();
  } finally {
    timings[name] = Math.round((Date.now() - started) / 1000);
  }
}

interface ServiceState {
  readonly Service: string;
  readonly State: string;
  readonly Health: string;
  readonly ExitCode: number;
}

/** One compose project: its files, free ports, fresh passwords; `down` removes it. */
class Stack {
  readonly project = `sluice-e2e-${randomBytes(3).toString('hex')}`;
  readonly rdiPassword = randomBytes(12).toString('hex');
  readonly sourcePassword = randomBytes(12).toString('hex');
  readonly sourceRootPassword = randomBytes(12).toString('hex');
  readonly grafanaPassword = randomBytes(12).toString('hex');
  ports = {} as Record<(typeof PORT_NAMES)[number], number>;
  #up = false;
  #started: StartedDockerComposeEnvironment | undefined;

  readonly files: readonly string[];

  constructor(files: readonly string[]) {
    this.files = files;
  }

  get env(): NodeJS.ProcessEnv {
    return {
      ...imageEnv,
      SLUICE_PROJECT_NAME: this.project,
      SLUICE_RDI_PASSWORD: this.rdiPassword,
      SLUICE_SOURCE_PASSWORD: this.sourcePassword,
      SLUICE_SOURCE_ROOT_PASSWORD: this.sourceRootPassword,
      SLUICE_GRAFANA_ADMIN_PASSWORD: this.grafanaPassword,
      // Before `up` (e.g. for `build`) no port is chosen and the defaults stand.
      ...Object.fromEntries(
        Object.entries(this.ports).map(([name, port]) => [
          `SLUICE_${name.toUpperCase()}_PORT`,
          String(port),
        ]),
      ),
    };
  }

  compose(args: readonly string[], timeoutMs = 10 * 60_000) {
    const files = this.files.flatMap((file) => ['-f', file]);
    return engine.docker(['compose', ...files, ...args], {
      cwd: COMPOSE_DIR,
      env: this.env,
      timeoutMs,
    });
  }

  async ps(): Promise<Record<string, ServiceState>> {
    const { stdout } = await this.compose(['ps', '--all', '--format', 'json']);
    const services = stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as ServiceState);
    return Object.fromEntries(services.map((s) => [s.Service, s]));
  }

  /** up, then the deploy service's exit (0), then every long-running service healthy. */
  async up(): Promise<void> {
    for (const name of PORT_NAMES) this.ports[name] = await freePort();
    // Registered first: stops before the engine does (the registry stops newest first).
    ctx.registry.add({
      name: `compose project ${this.project}`,
      pid: undefined,
      stop: () => this.down(),
      kill: () => engine.removeAll(),
    });
    this.#up = true;
    try {
      // testcontainers runs `docker compose up` and waits: the long-running services for their
      // healthchecks, the one-shot `deploy` for its exit, Grafana's stand-in (no healthcheck)
      // for a command to run in it.
      this.#started = await new DockerComposeEnvironment(COMPOSE_DIR, [...this.files])
        .withProjectName(this.project)
        .withEnvironment(definedOnly(this.env))
        .withDefaultWaitStrategy(Wait.forHealthCheck())
        .withWaitStrategy('deploy-1', Wait.forOneShotStartup())
        .withWaitStrategy('grafana-1', Wait.forSuccessfulCommand('true'))
        .withStartupTimeout(10 * 60_000)
        .up();
      const deploy = (await this.ps()).deploy;
      if (deploy?.State !== 'exited' || deploy.ExitCode !== 0) {
        throw new Error(
          `the deploy service is ${deploy?.State ?? 'missing'} (${deploy?.ExitCode})`,
        );
      }
      await waitFor(
        'every long-running service healthy',
        async () => {
          const services = await this.ps();
          return LONG_RUNNING.every((name) => services[name]?.Health === 'healthy');
        },
        { timeoutMs: 5 * 60_000, intervalMs: 2_000 },
      );
    } catch (error) {
      // A failure here skips the tests, so the test context would not keep the logs.
      const logs = await this.compose(['logs', '--no-color', '--tail', '40']).catch(
        (e: unknown) => ({ stdout: String(e) }),
      );
      await mkdir(FAILED_LOGS, { recursive: true });
      await writeFile(join(FAILED_LOGS, `${this.project}-up.log`), logs.stdout);
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}\n(the services' last log lines are in ${FAILED_LOGS})`,
      );
    }
  }

  async logs(service: string): Promise<string> {
    return (await this.compose(['logs', '--no-color', service])).stdout;
  }

  /** Keeps the services' logs in the test folder (kept for a failed test), then `down -v`. */
  async down(): Promise<void> {
    if (!this.#up) return;
    this.#up = false;
    const logs = await this.compose(['logs', '--no-color', '--timestamps']).catch(
      (error: unknown) => ({ stdout: `compose logs failed: ${String(error)}` }),
    );
    await writeFile(join(ctx.dir, `${this.project}.log`), logs.stdout);
    if (this.#started === undefined) {
      await this.compose(['down', '-v', '--remove-orphans', '--timeout', '20']);
    } else {
      await this.#started.down({ removeVolumes: true, timeout: 20_000 });
    }
  }

  /** `sluice <args>` of this checkout against the published API port, as a user on the host. */
  async sluice(args: readonly string[]): Promise<string> {
    const result = await runCommand(process.execPath, [join(ROOT, 'cli', 'main.ts'), ...args], {
      env: {
        ...process.env,
        SLUICE_CONFIG_DIR: join(ctx.dir, this.project, 'cli-config'),
        SLUICE_CACHE_DIR: join(ctx.dir, this.project, 'cli-cache'),
        SLUICE_API_URL: `http://127.0.0.1:${this.ports.api}`,
        SLUICE_USERNAME: 'default',
        SLUICE_PASSWORD: this.rdiPassword,
      },
      timeoutMs: 60_000,
    });
    return result.stdout;
  }

  /** Results of an instant PromQL query through the published Prometheus port. */
  async promQuery(promql: string): Promise<unknown[]> {
    const url = `http://127.0.0.1:${this.ports.prometheus}/api/v1/query?query=${encodeURIComponent(promql)}`;
    const body = (await (await fetch(url)).json()) as { data?: { result?: unknown[] } };
    return body.data?.result ?? [];
  }
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

async function countKeys(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let count = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 2000);
    cursor = next;
    count += keys.length;
  } while (cursor !== '0');
  return count;
}

async function waitForTableCounts(redis: Redis, expected: Record<string, number>): Promise<void> {
  await waitFor(
    'every seeded row in the target',
    async () => {
      for (const [table, rows] of Object.entries(expected)) {
        if ((await countKeys(redis, `${table}:*`)) !== rows) return false;
      }
      return true;
    },
    { timeoutMs: 5 * 60_000, intervalMs: 2_000 },
  );
}

/** down -v must leave nothing, and the host must still forward no packets. */
async function expectNothingLeft(stack: Stack): Promise<void> {
  await stack.down();
  expect(await engine.leftovers()).toEqual({ containers: [], networks: [], volumes: [] });
  expect((await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8')).trim()).toBe('0');
}

beforeAll(async () => {
  const engineDir = await timed('install engine', async () =>
    (
      await runCommand('bash', [join(ROOT, 'scripts', 'install-docker.sh')], {
        timeoutMs: 30 * 60_000,
      })
    ).stdout.trim(),
  );
  engine = await timed('start engine', () =>
    startDockerEngine({
      engineDir,
      dataRoot: DATA_ROOT,
      runDir: join(ctx.dir, 'engine'),
      registry: ctx.registry,
    }),
  );
  const baseImages = await timed('base images', async () => {
    const { stdout } = await runCommand('bash', [join(ROOT, 'scripts', 'build-base-images.sh')], {
      env: { ...engine.env, SLUICE_DOCKER: engine.dockerPath },
      timeoutMs: SETUP_TIMEOUT_MS,
    });
    return Object.fromEntries(
      stdout
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => line.split('=', 2) as [string, string]),
    );
  });
  // testcontainers finds the engine and the docker CLI (for `docker compose`) through this
  // process's environment. The engine has no `bridge` network (--bridge=none), from whose
  // gateway testcontainers would guess the host: the published ports are on 127.0.0.1. Its
  // reaper container (Ryuk) cannot be pulled here; the test removes what it made itself.
  Object.assign(process.env, {
    DOCKER_HOST: engine.env.DOCKER_HOST,
    DOCKER_CONFIG: engine.env.DOCKER_CONFIG,
    PATH: `${dirname(engine.dockerPath)}:${process.env.PATH ?? ''}`,
    TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1',
    TESTCONTAINERS_RYUK_DISABLED: 'true',
  });
  imageEnv = {
    ...engine.env,
    ...baseImages,
    DOCKER_BUILDKIT: '0',
    SLUICE_IMAGE: 'sluice:e2e',
    SLUICE_COLLECTOR_IMAGE: 'sluice-collector:e2e',
  };
  await timed('build images', () =>
    new Stack(['compose.yaml', 'compose.ci.yaml']).compose(['build'], SETUP_TIMEOUT_MS),
  );
  // The image store is kept between runs: drop the images this build replaced.
  await engine.docker(['image', 'prune', '--force'], { timeoutMs: 15 * 60_000 });
}, SETUP_TIMEOUT_MS);

afterAll(() => {
  console.log(`compose e2e timings (s): ${JSON.stringify(timings)}`);
});

describe('compose files and images', () => {
  it('the compose files are valid, with and without the MariaDB variant', async () => {
    for (const files of [['compose.yaml'], ['compose.yaml', 'compose.mariadb.yaml']]) {
      const args = files.flatMap((file) => ['-f', file]);
      await engine.docker(['compose', ...args, 'config', '-q'], { cwd: COMPOSE_DIR });
    }
    // A file that breaks the compose schema is refused: the check above can fail.
    const broken = await engine.dockerRaw(
      ['compose', '-f', 'compose.yaml', '-f', '-', 'config', '-q'],
      { cwd: COMPOSE_DIR, input: 'services:\n  api:\n    ports: [{ published: nope }]\n' },
    );
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toContain('missing a target port');
  });

  it('the images run as a non-root user, with a healthcheck and OCI labels', async () => {
    for (const image of ['sluice:e2e', 'sluice-collector:e2e']) {
      const { stdout } = await engine.docker(['image', 'inspect', '--format', '{{json .}}', image]);
      const info = JSON.parse(stdout) as {
        Size: number;
        Config: { User: string; Healthcheck?: { Test: string[] }; Labels: Record<string, string> };
      };
      expect(info.Config.User).toBe('10001:10001');
      expect(info.Config.Healthcheck?.Test.join(' ')).toContain('healthcheck.ts');
      expect(info.Config.Labels['org.opencontainers.image.version']).toBe('0.1.0');
      console.log(`image ${image}: ${(info.Size / 1e6).toFixed(0)} MB`);
    }
  });
});

describe('compose stack (PostgreSQL)', () => {
  const stack = new Stack(['compose.yaml', 'compose.ci.yaml']);
  let target: Redis;
  let source: pg.Client;

  beforeAll(async () => {
    await timed('postgres stack up', () => stack.up());
    target = new Redis({ host: '127.0.0.1', port: stack.ports.target, lazyConnect: true });
    await target.connect();
    source = new pg.Client({
      host: '127.0.0.1',
      port: stack.ports.source,
      user: 'sluice',
      password: stack.sourcePassword,
      database: 'shop',
    });
    await source.connect();
    clientsOpen = true;
  }, STACK_TIMEOUT_MS);

  let clientsOpen = false;
  // Before `down`: the servers going away must not become unhandled client errors.
  const closeClients = async (): Promise<void> => {
    if (!clientsOpen) return;
    clientsOpen = false;
    target.disconnect();
    await source.end();
  };

  afterAll(closeClients);

  it('every long-running service is healthy, the deploy service exited 0', async () => {
    const services = await stack.ps();
    for (const name of LONG_RUNNING) {
      expect(services[name]?.State, name).toBe('running');
      expect(services[name]?.Health, name).toBe('healthy');
    }
    expect(services.deploy?.State).toBe('exited');
    expect(services.deploy?.ExitCode).toBe(0);
    // It did the steps of docs/deploy.md with the CLI.
    const deploy = await stack.logs('deploy');
    for (const step of [
      'Logged in.',
      'Secret SOURCE_DB_PASSWORD set.',
      "Deployed pipeline 'default'",
    ]) {
      expect(deploy).toContain(step);
    }
  });

  it('the seeded shop arrives in the target Redis under the documented keys', async () => {
    const expected: Record<string, number> = {};
    for (const table of SHOP_TABLES) {
      const { rows } = await source.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
      expected[table] = Number(rows[0]?.n);
    }
    await timed('postgres snapshot in target', () => waitForTableCounts(target, expected));
    expect(await target.hgetall('customers:id:1')).toMatchObject({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
    });
    expect(await target.hget('order_items:order_id:1:line_no:2', 'sku')).toBe('MS-02');
    expect(await target.hget('products:sku:KB-01', 'price')).toBe('129.90');
  });

  it('inserts, updates and deletes in PostgreSQL are seen in Redis', async () => {
    const { rows } = await source.query<{ id: number }>(
      "INSERT INTO customers (name, email, country) VALUES ('Barbara Liskov', 'compose-e2e@example.com', 'US') RETURNING id",
    );
    const key = `customers:id:${rows[0]?.id}`;
    await waitFor(
      'the insert',
      async () => (await target.hget(key, 'email')) === 'compose-e2e@example.com',
      { timeoutMs: 60_000 },
    );
    await source.query(
      "UPDATE customers SET country = 'NL' WHERE email = 'compose-e2e@example.com'",
    );
    await waitFor('the update', async () => (await target.hget(key, 'country')) === 'NL', {
      timeoutMs: 60_000,
    });
    await source.query("DELETE FROM customers WHERE email = 'compose-e2e@example.com'");
    await waitFor('the delete', async () => (await target.exists(key)) === 0, {
      timeoutMs: 60_000,
    });
  });

  it('`sluice status` answers through the published API port', async () => {
    await stack.sluice(['login']);
    expect(await stack.sluice(['status'])).toContain('change streaming (CDC)');
    const status = JSON.parse(await stack.sluice(['status', '-o', 'json'])) as { phase: string };
    expect(status.phase).toBe('cdc');
  });

  it('Prometheus has scraped the exporter and the collector', async () => {
    await waitFor(
      'exporter and collector samples in Prometheus',
      async () =>
        (await stack.promQuery('up{job="sluice-exporter"} == 1')).length === 1 &&
        (await stack.promQuery('up{job="sluice-collector"} == 1')).length === 1 &&
        (await stack.promQuery('rdi_operator_is_leader == 1')).length > 0,
      { timeoutMs: 90_000, intervalMs: 1_000 },
    );
    // The exporter's own port is published too.
    const metrics = await (await fetch(`http://127.0.0.1:${stack.ports.exporter}/metrics`)).text();
    expect(metrics).toContain('rdi_engine_state');
  });

  it('`down -v` leaves no container, network or volume, and no forwarding', async () => {
    await closeClients();
    await expectNothingLeft(stack);
  });
});

describe('compose stack (MariaDB variant)', () => {
  const stack = new Stack(['compose.yaml', 'compose.mariadb.yaml', 'compose.ci.yaml']);
  let target: Redis;
  let source: Connection;

  beforeAll(async () => {
    await timed('mariadb stack up', () => stack.up());
    target = new Redis({ host: '127.0.0.1', port: stack.ports.target, lazyConnect: true });
    await target.connect();
    source = await createConnection({
      host: '127.0.0.1',
      port: stack.ports.source,
      user: 'sluice',
      password: stack.sourcePassword,
      database: 'shop',
    });
    clientsOpen = true;
  }, STACK_TIMEOUT_MS);

  let clientsOpen = false;
  // Before `down`: the servers going away must not become unhandled client errors.
  const closeClients = async (): Promise<void> => {
    if (!clientsOpen) return;
    clientsOpen = false;
    target.disconnect();
    await source.end();
  };

  afterAll(closeClients);

  it('the seeded shop arrives, and changes in MariaDB follow', async () => {
    const expected: Record<string, number> = {};
    for (const table of SHOP_TABLES) {
      const [rows] = await source.query<RowDataPacket[]>(`SELECT count(*) AS n FROM ${table}`);
      expected[table] = Number(rows[0]?.n);
    }
    expect(expected.customers).toBe(1004);
    await waitForTableCounts(target, expected);
    expect(await target.hget('customers:id:1', 'name')).toBe('Ada Lovelace');

    const [inserted] = await source.query<ResultSetHeader>(
      "INSERT INTO customers (name, email, country) VALUES ('Frances Allen', 'compose-e2e@example.com', 'US')",
    );
    const key = `customers:id:${inserted.insertId}`;
    await waitFor('the insert', async () => (await target.hget(key, 'country')) === 'US', {
      timeoutMs: 60_000,
    });
    await source.query(`UPDATE customers SET country = 'SE' WHERE id = ${inserted.insertId}`);
    await waitFor('the update', async () => (await target.hget(key, 'country')) === 'SE', {
      timeoutMs: 60_000,
    });
    await source.query(`DELETE FROM customers WHERE id = ${inserted.insertId}`);
    await waitFor('the delete', async () => (await target.exists(key)) === 0, {
      timeoutMs: 60_000,
    });
  });

  it('`down -v` leaves no container, network or volume, and no forwarding', async () => {
    await closeClients();
    await expectNothingLeft(stack);
  });
});
