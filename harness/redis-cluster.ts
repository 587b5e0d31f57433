// A private Redis Cluster for tests: N masters (default 3, no replicas), each a redis-server
// with `cluster-enabled yes` on a free port (and a free cluster bus port) in its own folder,
// joined with `redis-cli --cluster create` and awaited until every node says cluster_state:ok.
// Every node is registered before the wait, so a failed start still stops them all. The
// folder must be new: a node keeps its cluster membership in nodes.conf there.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from '../common/free-port.ts';
import type { ProcessRegistry } from './process-registry.ts';
import { startRedis, type RedisInstance } from './redis.ts';
import { waitFor } from './wait-for.ts';

const run = promisify(execFile);

export interface RedisClusterOptions {
  /** Parent folder of the nodes' folders; created. */
  readonly dir: string;
  readonly registry: ProcessRegistry;
  /** Number of masters; default 3 (the fewest `redis-cli --cluster create` accepts). */
  readonly masters?: number;
  /** Paths of modules every node loads, e.g. a RedisJSON build. */
  readonly modules?: readonly string[];
}

export interface RedisClusterInstance {
  readonly nodes: readonly RedisInstance[];
  /** The first node: a seed address for clients (`host`, `port` in config.yaml). */
  readonly host: '127.0.0.1';
  readonly port: number;
}

export async function startRedisCluster(opts: RedisClusterOptions): Promise<RedisClusterInstance> {
  const count = opts.masters ?? 3;
  const started = await Promise.allSettled(
    Array.from({ length: count }, async (_, i) => {
      const busPort = await freePort();
      return startRedis({
        dir: join(opts.dir, `node-${i + 1}`),
        registry: opts.registry,
        ...(opts.modules === undefined ? {} : { modules: opts.modules }),
        extraArgs: [
          ...['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'],
          // An explicit bus port: the default (port + 10000) may be taken or out of range.
          ...['--cluster-port', String(busPort), '--cluster-node-timeout', '5000'],
        ],
      });
    }),
  );
  const nodes: RedisInstance[] = [];
  for (const result of started) {
    if (result.status === 'rejected') throw result.reason;
    nodes.push(result.value);
  }
  const addresses = nodes.map((node) => `${node.host}:${node.port}`);
  try {
    await run(
      'redis-cli',
      ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'],
      { timeout: 60_000 },
    );
  } catch (error) {
    const output = error as { stdout?: string; stderr?: string };
    throw new Error(
      `redis-cli --cluster create failed: ${String(error)}\n${output.stdout ?? ''}${output.stderr ?? ''}`,
    );
  }
  await waitFor(
    'every cluster node to report cluster_state:ok',
    async () => {
      for (const node of nodes) {
        const info = await clusterInfo(node.port);
        if (!info.includes('cluster_state:ok')) throw new Error(`${node.name}: ${info.trim()}`);
      }
      return true;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  const first = nodes[0];
  if (first === undefined) throw new Error('a cluster needs at least one node');
  return { nodes, host: '127.0.0.1', port: first.port };
}

async function clusterInfo(port: number): Promise<string> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return String(await client.call('CLUSTER', 'INFO'));
  } finally {
    client.disconnect();
  }
}
