// The local demo: a sample PostgreSQL shop database, an RDI-database Redis, a target Redis,
// Debezium Server and the processor, all as child processes on free ports in a temporary
// folder. Prints each generated change and how soon it reached Redis; Ctrl-C stops it all.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { renderDebeziumProperties } from '../debezium-config/render-properties.ts';
import { startHarnessDebezium } from '../e2e/harness/debezium.ts';
import { startPostgres } from '../e2e/harness/postgres.ts';
import { ProcessRegistry } from '../e2e/harness/process-registry.ts';
import { startProcessorProcess } from '../e2e/harness/processor-process.ts';
import { startRedis } from '../e2e/harness/redis.ts';
import { parsePipelineConfig } from '../pipeline/load-config.ts';
import { makeChange } from './change-generator.ts';

const here = import.meta.dirname;
const bold = (text: string): string => `\x1b[1m${text}\x1b[0m`;
const dim = (text: string): string => `\x1b[2m${text}\x1b[0m`;

async function main(): Promise<void> {
  const registry = new ProcessRegistry();
  const dir = await mkdtemp(join(tmpdir(), 'sluice-demo-'));
  // PostgreSQL runs as user postgres and must reach its folder inside this one.
  await chmod(dir, 0o755);
  let stopping: Promise<never> | undefined;
  // One shutdown, however many signals or failures ask for it; later callers wait for it.
  const shutdown = (code: number): Promise<never> => {
    stopping ??= (async () => {
      console.log('\nStopping every process the demo started…');
      await registry.stopAll().catch((error: unknown) => {
        console.error(String(error));
      });
      // After a failure the folder (with every log) is kept for a look.
      if (code === 0) await rm(dir, { recursive: true, force: true });
      console.log(code === 0 ? 'Stopped.' : `Stopped. Logs kept in ${dir}`);
      process.exit(code);
    })();
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      void shutdown(0);
    });
  }

  try {
    console.log(bold('Starting PostgreSQL, two Redis servers…'));
    const [source, rdi, target] = await Promise.all([
      startPostgres({ dir: join(dir, 'postgres'), registry, database: 'shop' }),
      startRedis({ dir: join(dir, 'rdi'), registry, appendonly: true, maxmemory: '512mb' }),
      startRedis({ dir: join(dir, 'target'), registry }),
    ]);
    await source.query(await readFile(join(here, 'schema.sql'), 'utf8'));

    const env = {
      SOURCE_DB_HOST: source.host,
      SOURCE_DB_PORT: String(source.port),
      SOURCE_DB_USERNAME: source.user,
      SOURCE_DB_PASSWORD: source.password,
      TARGET_DB_HOST: target.host,
      TARGET_DB_PORT: String(target.port),
    };
    const configFile = join(here, 'pipeline', 'config.yaml');
    const config = parsePipelineConfig(await readFile(configFile, 'utf8'), configFile, env);
    const rendered = renderDebeziumProperties(config, 'shop', { host: rdi.host, port: rdi.port });
    await writeFile(join(dir, 'application.properties'), rendered.properties);

    console.log(bold('Starting Debezium Server (about 10 s)…'));
    await startHarnessDebezium({
      dir: join(dir, 'debezium'),
      registry,
      properties: rendered.properties,
      env: rendered.env,
    });
    console.log(bold('Starting the processor…'));
    await startProcessorProcess({
      dir: join(dir, 'processor'),
      registry,
      configFile,
      rdiUrl: rdi.url,
      env,
    });

    const redis = new Redis(target.url);
    // The target goes away when the demo stops; the change loop reports real failures.
    redis.on('error', () => undefined);
    const started = Date.now();
    while ((await redis.exists('customers:id:1')) === 0) {
      if (Date.now() - started > 120_000)
        throw new Error('the initial snapshot did not arrive in 2 minutes');
      await sleep(100);
    }
    console.log(
      `\n${bold('Sluice is running.')} Initial snapshot in Redis ${Date.now() - started} ms after start.`,
    );
    console.log(`
  Source    psql "postgresql://${source.user}:${source.password}@127.0.0.1:${source.port}/shop"
  Target    redis-cli -p ${target.port}      e.g.  HGETALL customers:id:1   KEYS 'orders:*'
  Streams   redis-cli -p ${rdi.port}      e.g.  KEYS 'data:*'   HGETALL sluice:stats:data:shop.public.orders
  Logs      ${dir}/{debezium/debezium.log,processor/processor.log}
  Config    ${configFile}  (Debezium properties: ${dir}/application.properties)

  A change is made every second; each line shows it and how soon Redis had it. Ctrl-C stops all.
`);
    const db = new pg.Client({
      host: source.host,
      port: source.port,
      user: source.user,
      password: source.password,
      database: 'shop',
    });
    await db.connect();
    // The database connection ends when Ctrl-C stops PostgreSQL: that is expected then.
    db.on('error', () => undefined);
    for (;;) {
      const snapshot = new Map<string, string>();
      const change = await makeChange(db, Math.random, async (key) => {
        snapshot.set(key, JSON.stringify(await redis.hgetall(key)));
      });
      const madeAt = Date.now();
      let seen = '';
      if (change.key !== undefined) {
        // Poll until the key shows the change: a new value, or gone for a delete.
        for (let i = 0; i < 250 && seen === ''; i++) {
          const now = JSON.stringify(await redis.hgetall(change.key));
          if (change.deleted ? now === '{}' : now !== '{}' && now !== snapshot.get(change.key)) {
            seen = change.deleted ? 'gone from Redis' : now;
          } else {
            await sleep(10);
          }
        }
      }
      const latency = seen === '' ? '' : ` ${bold(`${Date.now() - madeAt} ms`)}`;
      console.log(
        `${change.description.padEnd(52)}${latency} ${dim(`${change.key ?? ''} ${seen}`)}`,
      );
      await sleep(1000);
    }
  } catch (error) {
    // While stopping, the servers go away under the change loop: that is not a failure.
    if (stopping !== undefined) await stopping;
    console.error(`\nThe demo failed: ${error instanceof Error ? error.message : String(error)}`);
    await shutdown(1);
  }
}

await main();
