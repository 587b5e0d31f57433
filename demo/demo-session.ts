// The demo itself (started by run-demo.ts in its own process group): starts the servers, the
// REST API and the operator, deploys demo/pipeline with the `sluice` CLI as a user would,
// shows `sluice status` while the initial sync runs, then makes changes and prints how soon
// each one reached Redis. A signal (or the end of run-demo.ts) stops everything in order.
//
//   node demo/demo-session.ts [--changes <n>] [--exit]

import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { ProcessRegistry } from '../harness/process-registry.ts';
import { runChangeLoop } from './change-loop.ts';
import { DemoCli } from './demo-cli.ts';
import { deployPipeline, printInstructions, watchInitialSync } from './demo-steps.ts';
import { startDemoStack } from './demo-stack.ts';

const bold = (text: string): string => `\x1b[1m${text}\x1b[0m`;
const print = (line: string): void => {
  console.log(line);
};

interface DemoOptions {
  /** Changes to make after the initial sync; Infinity until Ctrl-C. */
  readonly changes: number;
  /** Stop everything after the changes instead of waiting for Ctrl-C. */
  readonly exit: boolean;
}

function demoOptions(argv: readonly string[]): DemoOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      changes: { type: 'string' },
      exit: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    print('usage: scripts/demo.sh [--changes <n>] [--exit]');
    print(
      '  --changes <n>  make n changes after the initial sync (default: one a second, forever)',
    );
    print('  --exit         stop everything after the changes instead of waiting for Ctrl-C');
    process.exit(0);
  }
  const changes = values.changes === undefined ? Infinity : Number(values.changes);
  if (!Number.isInteger(changes) && changes !== Infinity) {
    throw new Error('--changes must be a whole number');
  }
  if (changes < 0) throw new Error('--changes must not be negative');
  if (values.exit && changes === Infinity) throw new Error('--exit needs --changes <n>');
  return { changes, exit: values.exit };
}

async function main(options: DemoOptions): Promise<void> {
  const registry = new ProcessRegistry();
  const dir = await mkdtemp(join(tmpdir(), 'sluice-demo-'));
  // PostgreSQL runs as user postgres when the demo runs as root and must reach its folder.
  await chmod(dir, 0o755);
  const cli = new DemoCli(join(dir, 'cli'), print);
  const closers: (() => Promise<unknown>)[] = [() => cli.close()];
  // Settles once every server has started or failed to: a stop must not miss one still starting.
  let startup: Promise<unknown> = Promise.resolve();
  let stopping: Promise<never> | undefined;
  // One shutdown, however many signals or failures ask for it; later callers wait for it.
  const shutdown = (code: number): Promise<never> => {
    stopping ??= (async () => {
      print('\nStopping: the operator stops Debezium Server and the processor, then the rest…');
      for (const close of closers) await close().catch(() => undefined);
      await startup;
      await registry.stopAll().catch((error: unknown) => {
        console.error(String(error));
      });
      // After a failure the folder (with every log) is kept for a look.
      if (code === 0) await rm(dir, { recursive: true, force: true });
      print(code === 0 ? 'Stopped.' : `Stopped. Logs kept in ${dir}`);
      process.exit(code);
    })();
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      void shutdown(0);
    });
  }
  // run-demo.ts went away (its terminal closed): nothing may outlive it.
  process.on('disconnect', () => {
    void shutdown(0);
  });

  try {
    print(`Working folder: ${dir}`);
    print(
      bold('Starting PostgreSQL, the RDI database, the target Redis, the API and the operator…'),
    );
    const starting = startDemoStack(dir, registry, print);
    startup = starting.catch(() => undefined);
    const stack = await starting;
    if (stopping !== undefined) await stopping;
    const deployedAt = await deployPipeline(cli, stack, print);
    const syncedAt = await watchInitialSync(cli, deployedAt, dir, print);
    printInstructions({ stack, cli, dir, deployedAt, syncedAt, print });

    const target = new Redis(stack.target.url);
    // The target goes away when the demo stops; the change loop reports real failures.
    target.on('error', () => undefined);
    const db = new pg.Client({
      host: stack.source.host,
      port: stack.source.port,
      user: stack.source.user,
      password: stack.source.password,
      database: 'shop',
    });
    await db.connect();
    // The database connection ends when the demo stops PostgreSQL: that is expected then.
    db.on('error', () => undefined);
    closers.push(
      () => db.end(),
      () => target.quit(),
    );
    const made = await runChangeLoop({
      db,
      target,
      changes: options.changes,
      intervalMs: 1000,
      random: Math.random,
      print,
      stopping: () => stopping !== undefined,
    });
    if (stopping !== undefined) return;
    print(`\nMade ${made} changes.`);
    if (options.exit) await shutdown(0);
    print('Everything keeps running; Ctrl-C stops it.');
    // The servers are child processes of this one; this keeps it waiting for the signal.
    setInterval(() => undefined, 60_000);
  } catch (error) {
    // While stopping, the servers go away under the demo: that is not a failure.
    if (stopping !== undefined) await stopping;
    console.error(`\nThe demo failed: ${error instanceof Error ? error.message : String(error)}`);
    await shutdown(1);
  }
}

// A closed terminal must not crash the demo while it stops its servers.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);
let options: DemoOptions;
try {
  options = demoOptions(process.argv.slice(2));
} catch (error) {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
await main(options);
