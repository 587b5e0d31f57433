// Connection tests of a dry run: resolves the host, refuses forbidden addresses (also when a
// harmless-looking name resolves to one), then connects to the resolved address — TCP for
// sources, AUTH + PING for Redis targets — within a timeout.

import { createConnection, isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Redis } from 'ioredis';
import { resolveAllowedAddress } from './resolve-allowed.ts';

export interface ConnectionSpec {
  /** Dotted path of the connection in config.yaml, for the report. */
  readonly path: string;
  readonly kind: 'tcp' | 'redis';
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  /** TLS options of a Redis target (processor/target-tls.ts); absent: plain TCP. */
  readonly tls?: ConnectionOptions;
  /**
   * The configured user and password were left out (they hold stored secrets and the host is
   * not one the stored pipeline uses): a server asking for them still counts as reachable.
   */
  readonly credentialsWithheld?: boolean;
}

export type ConnectionResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly code: 'ADDRESS_FORBIDDEN' | 'CONNECTION_FAILED';
      readonly message: string;
    };

export type ConnectionTester = (spec: ConnectionSpec) => Promise<ConnectionResult>;

export function connectionTester(timeoutMs: number): ConnectionTester {
  return async (spec) => {
    const resolved = await resolveAllowedAddress(spec.host);
    if (!resolved.ok) return resolved;
    try {
      // Connect to the checked address, not the name: a second lookup could answer otherwise.
      if (spec.kind === 'tcp') await tcpReachable(resolved.address, spec.port, timeoutMs);
      else await redisAnswers(resolved.address, spec, timeoutMs);
      return { ok: true };
    } catch (error) {
      return failed(`${spec.host}:${spec.port}: ${describe(error)}`);
    }
  };
}

function failed(message: string): ConnectionResult {
  return { ok: false, code: 'CONNECTION_FAILED', message };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

function tcpReachable(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    });
    socket.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
  });
}

async function redisAnswers(host: string, spec: ConnectionSpec, timeoutMs: number): Promise<void> {
  const client = new Redis({
    host,
    port: spec.port,
    ...(spec.username === undefined ? {} : { username: spec.username }),
    ...(spec.password === undefined ? {} : { password: spec.password }),
    // The socket goes to the checked address; the certificate must still name the host.
    ...(spec.tls === undefined
      ? {}
      : { tls: { ...spec.tls, ...(isIP(spec.host) === 0 ? { servername: spec.host } : {}) } }),
    lazyConnect: true,
    // PING below is the check; a ready check (INFO) would fail first without credentials.
    enableReadyCheck: false,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    // The one place that reads this reply: without credentials, NOAUTH means "it answered".
    const askedForAuth = error instanceof Error && error.message.startsWith('NOAUTH');
    if (!(spec.credentialsWithheld === true && askedForAuth)) throw error;
  } finally {
    client.disconnect();
  }
}
