// The servers of one end-to-end scenario: a source database, the RDI database (AOF,
// maxmemory, noeviction) and a target Redis, started in parallel in sub-folders of `dir`.
// Debezium is started on demand with properties the test supplies (startDebezium).
import { join } from 'node:path';
import type { DebeziumProcess } from '../debezium-config/launch.ts';
import { startHarnessDebezium } from './debezium.ts';
import { startMariadb, type MariadbInstance } from './mariadb.ts';
import { startPostgres, type PostgresInstance, type SourceTlsServerOptions } from './postgres.ts';
import type { ProcessRegistry } from './process-registry.ts';
import { startRedis, type RedisInstance, type RedisTlsOptions } from './redis.ts';

export type SourceKind = 'postgresql' | 'mariadb';
export type SourceInstance<S extends SourceKind> = S extends 'postgresql'
  ? PostgresInstance
  : MariadbInstance;

export interface StackOptions<S extends SourceKind> {
  readonly source: S;
  /** Parent folder of every server's folder. */
  readonly dir: string;
  readonly registry: ProcessRegistry;
  /** maxmemory of the RDI database; default `256mb`. */
  readonly rdiMaxmemory?: string;
  /** Give the target Redis an AOF, so that it keeps its data across a stop (outage tests). */
  readonly targetAppendonly?: boolean;
  /** Serve the source database over TLS (its certificates in `source.tls`). */
  readonly sourceTls?: SourceTlsServerOptions;
  /** Make the RDI database TLS-only (its `url` is then `rediss://`, its certificates in `tls`). */
  readonly rdiTls?: RedisTlsOptions;
}

export interface Stack<S extends SourceKind> {
  readonly source: SourceInstance<S>;
  readonly rdi: RedisInstance;
  readonly target: RedisInstance;
  /**
   * Starts a Debezium Server with these properties (plus a free quarkus.http.port when they
   * name none) in a new folder and resolves once it is healthy.
   */
  startDebezium(
    properties: string,
    env?: Readonly<Record<string, string>>,
  ): Promise<DebeziumProcess>;
}

export async function startStack<S extends SourceKind>(opts: StackOptions<S>): Promise<Stack<S>> {
  const { dir, registry } = opts;
  // allSettled, not all: a server still starting when another failed would register itself
  // after the test's cleanup ran, and outlive the test.
  const [source, rdi, target] = await Promise.allSettled([
    startSource(opts.source, join(dir, opts.source), registry, opts.sourceTls),
    startRedis({
      dir: join(dir, 'rdi-redis'),
      registry,
      appendonly: true,
      maxmemory: opts.rdiMaxmemory ?? '256mb',
      policy: 'noeviction',
      ...(opts.rdiTls === undefined ? {} : { tls: opts.rdiTls }),
    }),
    startRedis({
      dir: join(dir, 'target-redis'),
      registry,
      appendonly: opts.targetAppendonly === true,
    }),
  ]);
  if (source.status === 'rejected') throw source.reason;
  if (rdi.status === 'rejected') throw rdi.reason;
  if (target.status === 'rejected') throw target.reason;
  let debeziumCount = 0;
  return {
    source: source.value,
    rdi: rdi.value,
    target: target.value,
    startDebezium: (properties, env) => {
      debeziumCount += 1;
      return startHarnessDebezium({
        dir: join(dir, `debezium-${debeziumCount}`),
        registry,
        properties,
        ...(env === undefined ? {} : { env }),
      });
    },
  };
}

async function startSource<S extends SourceKind>(
  kind: S,
  dir: string,
  registry: ProcessRegistry,
  tls: SourceTlsServerOptions | undefined,
): Promise<SourceInstance<S>> {
  const options = { dir, registry, ...(tls === undefined ? {} : { tls }) };
  // TypeScript cannot narrow S from `kind`; each branch returns the instance S names.
  const instance =
    kind === 'postgresql' ? await startPostgres(options) : await startMariadb(options);
  return instance as SourceInstance<S>;
}
