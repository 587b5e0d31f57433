// The targets a reset clears: every target of config.yaml (the default `target` and the named
// connections jobs write to), standalone or Redis Cluster. Keys are found with SCAN on each
// node that holds data (every master of a cluster) and deleted on that node.

import { Cluster, Redis } from 'ioredis';
import type { TargetConfig } from '../../pipeline/load-config.ts';
import { isClusterNode } from '../../processor/target-connect.ts';
import { targetAuthOptions } from '../../processor/target-tls.ts';

export interface ResetTarget {
  readonly name: string;
  /** For single-key commands (the checkpoint hash); a Cluster client routes by slot. */
  readonly client: Redis | Cluster;
  /** The nodes to SCAN for data keys; each key found is deleted on the node it came from. */
  readonly nodes: () => Redis[];
}

export interface ResetTargets {
  readonly targets: readonly ResetTarget[];
  readonly close: () => Promise<void>;
}

/** Connects to every target; a target that is down fails the reset (retried next tick). */
export async function connectResetTargets(
  configs: Readonly<Record<string, TargetConfig>>,
): Promise<ResetTargets> {
  const open: (Redis | Cluster)[] = [];
  const close = async (): Promise<void> => {
    for (const client of open) await client.quit().catch(() => undefined);
  };
  try {
    const targets: ResetTarget[] = [];
    for (const [name, config] of Object.entries(configs)) {
      targets.push(await connectOne(name, config, open));
    }
    return { targets, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function connectOne(
  name: string,
  config: TargetConfig,
  open: (Redis | Cluster)[],
): Promise<ResetTarget> {
  const { host, port } = config.connection;
  const options = {
    ...targetAuthOptions(name, config.connection),
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  };
  const plain = new Redis({ host, port, ...options });
  plain.on('error', () => undefined);
  open.push(plain);
  await plain.connect();
  if (!(await isClusterNode(plain))) return { name, client: plain, nodes: () => [plain] };
  const cluster = new Cluster([{ host, port }], { lazyConnect: true, redisOptions: options });
  cluster.on('error', () => undefined);
  open.push(cluster);
  await cluster.connect();
  return { name, client: cluster, nodes: () => cluster.nodes('master') };
}
