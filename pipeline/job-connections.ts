// The target connections a job uses: the ones its outputs write to and the ones its lookups
// read from, and the check that each is a key of config.yaml `targets` (a job naming a missing
// target is refused at load/deploy time, pointing at the `connection` key). Pure.

import type { ConfigProblem } from './config-problem.ts';
import type { DeepReadonly } from './deep-freeze.ts';
import type { JobFileData } from './job-schema.ts';
import type { YamlPath } from './yaml-document.ts';

/** The target every job without outputs, and the default job, writes to. */
export const DEFAULT_TARGET = 'target';

interface ConnectionUse {
  readonly name: string;
  readonly use: 'write' | 'read';
  /** Path of the `connection` key, or of the job's `source` for the implicit default output. */
  readonly path: YamlPath;
}

function connectionUses(job: DeepReadonly<JobFileData>): ConnectionUse[] {
  const uses: ConnectionUse[] = [];
  (job.transform ?? []).forEach((block, index) => {
    if (block.uses === 'redis.lookup') {
      const path = ['transform', index, 'with', 'connection'];
      uses.push({ name: block.with.connection, use: 'read', path });
    }
  });
  const outputs = job.output ?? [];
  // A job without outputs writes like the default job: to `target`.
  if (outputs.length === 0) uses.push({ name: DEFAULT_TARGET, use: 'write', path: ['source'] });
  outputs.forEach((block, index) => {
    const path = ['output', index, 'with', 'connection'];
    uses.push({ name: block.with.connection, use: 'write', path });
  });
  return uses;
}

/** Names of the targets the job writes to and reads from (lookups). */
export function jobConnections(job: DeepReadonly<JobFileData>): {
  readonly writes: ReadonlySet<string>;
  readonly reads: ReadonlySet<string>;
} {
  const writes = new Set<string>();
  const reads = new Set<string>();
  for (const use of connectionUses(job)) (use.use === 'write' ? writes : reads).add(use.name);
  return { writes, reads };
}

/** One problem per `connection` of the job that names no target of config.yaml. */
export function jobConnectionProblems(
  job: DeepReadonly<JobFileData>,
  targets: readonly string[],
): ConfigProblem[] {
  const known = new Set(targets);
  const list = targets.length === 0 ? '(none)' : targets.join(', ');
  return connectionUses(job)
    .filter((use) => !known.has(use.name))
    .map((use) => ({
      code: 'CONFIG_INVALID',
      path: use.path,
      part: use.path.length === 1 ? 'key' : 'value',
      message:
        use.path.length === 1
          ? `the job has no output, so it writes to the target '${use.name}', which config.yaml does not define`
          : `the ${use.use === 'write' ? 'output' : 'lookup'} uses the connection '${use.name}', which config.yaml does not define under targets`,
      hint: `name one of config.yaml's targets: ${list}`,
    }));
}
