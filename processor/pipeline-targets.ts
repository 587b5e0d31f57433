// Connects the processor to every target its pipeline uses: `target` (the default job writes
// there), each connection a job output writes to, and each connection a redis.lookup reads
// from. Gives the writers to the consume loop and routes lookups to the named connection.

import type { Cluster, Redis } from 'ioredis';
import { SluiceError } from '../common/errors.ts';
import { DEFAULT_TARGET, jobConnections } from '../pipeline/job-connections.ts';
import type { PipelineConfig } from '../pipeline/load-config.ts';
import type { JobDefinition } from '../pipeline/load-jobs.ts';
import { checkJsonModule } from './jobs/json-module-check.ts';
import type { LookupPort } from './core/jobs/step.ts';
import type { ConnectedTarget } from './target-connect.ts';
import { connectTarget } from './target-connect.ts';
import type { TargetWriter } from './target-writer.ts';

export interface PipelineTargets {
  /** The targets batches are written to (each keeps its own checkpoints). */
  readonly writers: readonly TargetWriter[];
  readonly lookup: LookupPort;
  /** name → `host:port` and mode, for the start-up log. */
  readonly summary: Readonly<Record<string, string>>;
  /** Throws TARGET_JSON_MODULE_MISSING unless each named target has RedisJSON. */
  checkJson(names: Iterable<string>): Promise<void>;
  /** Closes every connection; returns the failures. */
  close(): Promise<string[]>;
}

/** Names of the targets the jobs write to (with `target`) and the ones only read by lookups. */
export function targetsInUse(jobs: readonly JobDefinition[]): {
  readonly writes: ReadonlySet<string>;
  readonly reads: ReadonlySet<string>;
} {
  const writes = new Set([DEFAULT_TARGET]);
  const reads = new Set<string>();
  for (const job of jobs) {
    const used = jobConnections(job.job);
    for (const name of used.writes) writes.add(name);
    for (const name of used.reads) reads.add(name);
  }
  for (const name of writes) reads.delete(name);
  return { writes, reads };
}

export async function connectPipelineTargets(
  config: PipelineConfig,
  jobs: readonly JobDefinition[],
  watch: (label: string, client: Redis | Cluster) => void,
  /** Told when a batch was acknowledged without a replica (retry_on_replica_failure false). */
  onReplicaShortfall: (message: string) => void = () => undefined,
): Promise<PipelineTargets> {
  const processors = config.processors;
  const replicaWait = processors.wait_enabled
    ? {
        timeoutMs: processors.wait_timeout,
        retry: processors.retry_on_replica_failure,
        onShortfall: onReplicaShortfall,
      }
    : undefined;
  const { writes, reads } = targetsInUse(jobs);
  const connected = new Map<string, ConnectedTarget>();
  try {
    for (const name of [...writes, ...reads]) {
      const targetConfig = config.targets[name];
      if (targetConfig === undefined) {
        throw new SluiceError('CONFIG_INVALID', `config.yaml has no target named '${name}'.`, {
          path: `targets.${name}`,
          hint:
            name === DEFAULT_TARGET
              ? 'tables without a job of their own are written to the target named target'
              : 'define it under targets, or change the jobs that name it',
        });
      }
      const options = replicaWait === undefined ? { watch } : { watch, replicaWait };
      connected.set(name, await connectTarget(name, targetConfig, options));
    }
  } catch (error) {
    await closeAll(connected);
    throw error;
  }
  const summary: Record<string, string> = {};
  for (const [name, target] of connected) {
    const { host, port } = config.targets[name]?.connection ?? {};
    summary[name] = `${host}:${port} (${target.writer.mode})`;
  }
  return {
    writers: [...writes].flatMap((name) => connected.get(name)?.writer ?? []),
    lookup: (name, command) => {
      const target = connected.get(name);
      if (target === undefined) {
        return Promise.reject(
          new SluiceError('CONFIG_INVALID', `redis.lookup names the unknown target '${name}'.`),
        );
      }
      return target.writer.lookup(command);
    },
    summary,
    checkJson: async (names) => {
      for (const name of names) {
        const target = connected.get(name);
        if (target !== undefined) await checkJsonModule(target.probe, name);
      }
    },
    close: () => closeAll(connected),
  };
}

async function closeAll(connected: ReadonlyMap<string, ConnectedTarget>): Promise<string[]> {
  const failures: string[] = [];
  for (const target of connected.values()) failures.push(...(await target.close()));
  return failures;
}
