// Connects to one target of config.yaml and finds out what it is: a plain connection asks
// `INFO cluster`; `cluster_enabled:1` means a Redis Cluster, written through an ioredis Cluster
// client (cluster-writer.ts), otherwise the atomic standalone writer. No config flag is needed:
// the server says which it is.

import type { Cluster as ClusterClient } from 'ioredis';
import { Cluster, Redis } from 'ioredis';
import { SluiceError } from '../common/errors.ts';
import type { TargetConfig } from '../pipeline/load-config.ts';
import { ClusterWriter } from './cluster-writer.ts';
import { targetAuthOptions } from './target-tls.ts';
import type { TargetWriter } from './target-writer.ts';
import { standaloneWriter, waitingForReplicas, type ReplicaWait } from './target-writer.ts';

export interface ConnectedTarget {
  readonly writer: TargetWriter;
  /** A plain connection to the configured address (for module checks); a node of a cluster. */
  readonly probe: Redis;
  /** Closes every connection of the target; reports failures instead of throwing. */
  close(): Promise<string[]>;
}

export interface ConnectOptions {
  /** Called with each client before it connects, e.g. to log its connection errors. */
  readonly watch?: (label: string, client: Redis | ClusterClient) => void;
  /** processors.wait_enabled: WAIT for a replica after each batch (standalone targets). */
  readonly replicaWait?: ReplicaWait;
}

/** True when the server at the other end of `redis` runs in cluster mode. */
export async function isClusterNode(redis: Redis): Promise<boolean> {
  const info = await redis.info('cluster');
  return /^cluster_enabled:1\s*$/m.test(info);
}

export async function connectTarget(
  name: string,
  config: TargetConfig,
  options: ConnectOptions = {},
): Promise<ConnectedTarget> {
  const { host, port } = config.connection;
  // One retry per command, then an error: the consume loop retries with backoff and raises
  // backpressure, instead of commands queueing without bound in the client.
  const redisOptions = { maxRetriesPerRequest: 1, ...targetAuthOptions(name, config.connection) };
  const probe = new Redis({ host, port, lazyConnect: true, ...redisOptions });
  // Failures surface through connect() and commands; the event itself needs no default crash.
  probe.on('error', () => undefined);
  options.watch?.(name, probe);
  const unreachable = (error: unknown): SluiceError =>
    new SluiceError(
      'TARGET_UNAVAILABLE',
      `Cannot reach the target '${name}' at ${host}:${port}: ${String(error)}`,
      { path: `targets.${name}.connection`, cause: error },
    );
  let cluster: boolean;
  try {
    await probe.connect();
    cluster = await isClusterNode(probe);
  } catch (error) {
    probe.disconnect();
    throw unreachable(error);
  }
  if (!cluster) {
    const writer = standaloneWriter(name, probe);
    return {
      writer:
        options.replicaWait === undefined
          ? writer
          : waitingForReplicas(writer, probe, options.replicaWait),
      probe,
      close: () => quitAll([probe]),
    };
  }
  // One WAIT cannot cover the nodes of a cluster: said once, at start.
  options.replicaWait?.onShortfall(
    `wait_enabled has no effect on the target '${name}': it is a Redis Cluster`,
  );
  const client = new Cluster([{ host, port }], {
    lazyConnect: true,
    // While the cluster is unreachable commands fail at once (and are retried by the loop).
    enableOfflineQueue: false,
    redisOptions,
  });
  options.watch?.(`${name} (cluster)`, client);
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    probe.disconnect();
    throw unreachable(error);
  }
  return {
    writer: new ClusterWriter(name, client),
    probe,
    close: () => quitAll([client, probe]),
  };
}

async function quitAll(clients: readonly (Redis | ClusterClient)[]): Promise<string[]> {
  const failures: string[] = [];
  for (const client of clients) {
    await client.quit().catch((error: unknown) => failures.push(String(error)));
  }
  return failures;
}
