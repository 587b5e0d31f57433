// A private redis-server at a free port on 127.0.0.1 with its files in a temporary folder.
// The RDI database is started with AOF, a maxmemory and noeviction, as production requires;
// a target Redis with the plain defaults. Never snapshots (`save ''`), never port 6379.
// With `tls`, the server accepts TLS only (no plaintext port), optionally only with a client
// certificate signed by its test CA.
import { mkdir, readFile } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { freePort } from '../common/free-port.ts';
import type { ProcessRegistry } from './process-registry.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';
import { makeTlsCertificates, type TlsCertificates } from './tls-certificates.ts';

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
  /** TLS only (`port 0` + `tls-port`), with certificates made in `<dir>/tls`. Default: plaintext. */
  readonly tls?: RedisTlsOptions;
}

export interface RedisTlsOptions {
  /** `tls-auth-clients yes`: a client must present a certificate signed by the CA. */
  readonly requireClientCertificates?: boolean;
}

export interface RedisInstance extends ServerProcess {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `redis://127.0.0.1:<port>`, or `rediss://` with TLS. */
  readonly url: string;
  /** The certificates of a TLS server (CA, server, a client certificate the server accepts). */
  readonly tls?: TlsCertificates;
}

export async function startRedis(opts: RedisOptions): Promise<RedisInstance> {
  const port = opts.port ?? (await freePort());
  await mkdir(opts.dir, { recursive: true });
  const certificates =
    opts.tls === undefined ? undefined : await makeTlsCertificates(join(opts.dir, 'tls'));
  const listen =
    certificates === undefined ? ['--port', `${port}`] : tlsArgs(port, certificates, opts.tls);
  const clientTls = certificates === undefined ? undefined : await clientTlsOptions(certificates);
  const args = [
    ...listen,
    ...['--bind', '127.0.0.1', '--dir', opts.dir, '--daemonize', 'no'],
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
    isReady: () => answersPing(port, clientTls),
  });
  return Object.assign(server, {
    host: '127.0.0.1' as const,
    port,
    url: `${certificates === undefined ? 'redis' : 'rediss'}://127.0.0.1:${port}`,
    ...(certificates === undefined ? {} : { tls: certificates }),
  });
}

function tlsArgs(port: number, certs: TlsCertificates, tls: RedisTlsOptions | undefined): string[] {
  return [
    ...['--port', '0', '--tls-port', `${port}`],
    ...['--tls-cert-file', certs.serverCert, '--tls-key-file', certs.serverKey],
    ...['--tls-ca-cert-file', certs.ca],
    ...['--tls-auth-clients', tls?.requireClientCertificates === true ? 'yes' : 'no'],
  ];
}

async function clientTlsOptions(certs: TlsCertificates): Promise<ConnectionOptions> {
  const [ca, cert, key] = await Promise.all(
    [certs.ca, certs.clientCert, certs.clientKey].map((path) => readFile(path, 'utf8')),
  );
  return { ca, cert, key, rejectUnauthorized: true };
}

/** True when the server replies +PONG; false while it refuses, or replies -LOADING. */
function answersPing(port: number, tls: ConnectionOptions | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const socket: Socket =
      tls === undefined
        ? createConnection({ host: '127.0.0.1', port })
        : tlsConnect({ host: '127.0.0.1', port, ...tls });
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
    socket.once(tls === undefined ? 'connect' : 'secureConnect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}
