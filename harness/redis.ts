// A private redis-server at a free port on 127.0.0.1 with its files in a temporary folder.
// The RDI database is started with AOF, a maxmemory and noeviction, as production requires;
// a target Redis with the plain defaults. Never snapshots (`save ''`), never port 6379.
import { mkdir } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../common/free-port.ts';
import type { ProcessRegistry } from './process-registry.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';

export interface RedisOptions {
  /** Folder of this instance (AOF files, log); created. */
  readonly dir: string;
  readonly registry: ProcessRegistry;
  readonly port?: number;
  /** e.g. `256mb`; default none (0). */
  readonly maxmemory?: string;
  readonly appendonly?: boolean;
  /** maxmemory-policy; default `noeviction`. */
  readonly policy?: string;
  /** Extra `--name value` pairs, e.g. ['--hz', '100']. */
  readonly extraArgs?: readonly string[];
  /** Paths of modules to load (`--loadmodule`), e.g. a RedisJSON build. */
  readonly modules?: readonly string[];
}

export interface RedisInstance extends ServerProcess {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
}

export async function startRedis(opts: RedisOptions): Promise<RedisInstance> {
  const port = opts.port ?? (await freePort());
  await mkdir(opts.dir, { recursive: true });
  const args = [
    ...['--port', `${port}`, '--bind', '127.0.0.1', '--dir', opts.dir, '--daemonize', 'no'],
    // An empty logfile means stdout, which the harness writes to redis.log.
    ...['--save', '', '--logfile', ''],
    ...['--appendonly', opts.appendonly === true ? 'yes' : 'no'],
    ...['--maxmemory', opts.maxmemory ?? '0', '--maxmemory-policy', opts.policy ?? 'noeviction'],
    // Lets fault tests slow the server down (DEBUG SLEEP) from a local client.
    ...['--enable-debug-command', 'local'],
    ...(opts.modules ?? []).flatMap((path) => ['--loadmodule', path]),
    ...(opts.extraArgs ?? []),
  ];
  const server = await startServerProcess({
    registry: opts.registry,
    spawn: {
      name: `redis:${port}`,
      command: 'redis-server',
      args,
      cwd: opts.dir,
      logFile: join(opts.dir, 'redis.log'),
    },
    isReady: () => answersPing(port),
  });
  return Object.assign(server, {
    host: '127.0.0.1' as const,
    port,
    url: `redis://127.0.0.1:${port}`,
  });
}

/** True when the server replies +PONG; false while it refuses, or replies -LOADING. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => {
      done(false);
    });
    socket.once('error', () => {
      done(false);
    });
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}
