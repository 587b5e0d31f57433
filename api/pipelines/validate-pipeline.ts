// Validation of a pipeline before it is stored: config.yaml (schema, rules, `${NAME}` resolved
// from the stored secrets), the jobs (loaded and compiled as the processor will), and on a dry
// run the connections to sources and targets. Throws one ProblemsError listing every problem.

import { SluiceError } from '../../common/errors.ts';
import { checkPipelineConfig, type PipelineConfig } from '../../pipeline/load-config.ts';
import { ProblemsError, problemOf } from '../http/problems-error.ts';
import type { ConnectionSpec, ConnectionTester } from '../net/test-connections.ts';
import type { Problem } from '../schemas/error-body.ts';
import type { PipelineDefinition } from '../store/pipeline-store.ts';
import { compilePipelineJobs, outputDefaultsOf } from '../jobs/pipeline-jobs.ts';
import { targetAuthOptions } from '../../processor/target-tls.ts';

const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  postgresql: 5432,
  mysql: 3306,
  mariadb: 3306,
  oracle: 1521,
  sqlserver: 1433,
};

export interface ValidateOptions {
  readonly secrets: Readonly<Record<string, string>>;
  /** Given on dry runs: every source and target connection is tried. */
  readonly testConnections?: ConnectionTester;
}

export async function validatePipeline(
  definition: PipelineDefinition,
  options: ValidateOptions,
): Promise<void> {
  const problems: Problem[] = [];
  const checked = checkPipelineConfig(definition.config, 'config.yaml', options.secrets);
  if (!checked.ok) problems.push(...checked.errors.map(problemOf));
  // Jobs compile with the config's output defaults when the config is valid (RDI's otherwise).
  const defaults = outputDefaultsOf(checked.ok ? checked.config.processors : undefined);
  // Every job's connections must be targets of config.yaml (checked when the config is valid).
  const targets = checked.ok ? Object.keys(checked.config.targets) : undefined;
  const jobs = compilePipelineJobs(definition.jobs, options.secrets, defaults, targets);
  problems.push(...jobs.problems.map(problemOf));
  if (checked.ok && problems.length === 0 && options.testConnections !== undefined) {
    for (const spec of connectionSpecs(checked.config)) {
      const result = await options.testConnections(spec);
      if (!result.ok)
        problems.push(problemOf(new SluiceError(result.code, result.message, { path: spec.path })));
    }
  }
  const first = problems[0];
  if (first === undefined) return;
  const summary =
    problems.length === 1
      ? first.message
      : `${problems.length} problems; the first: ${first.message}`;
  throw new ProblemsError(
    first.code === 'ADDRESS_FORBIDDEN' || first.code === 'CONNECTION_FAILED'
      ? first.code
      : 'CONFIG_INVALID',
    summary,
    problems,
    first.path,
  );
}

/** The connections a dry run tries: each active CDC source (TCP) and each target (Redis). */
export function connectionSpecs(config: PipelineConfig): ConnectionSpec[] {
  const specs: ConnectionSpec[] = [];
  for (const [name, source] of Object.entries(config.sources)) {
    const connection = source.connection;
    if (source.type !== 'cdc' || !source.active || connection?.host === undefined) continue;
    const port = connection.port ?? DEFAULT_PORTS[connection.type];
    if (port === undefined) continue;
    specs.push({ path: `sources.${name}.connection`, kind: 'tcp', host: connection.host, port });
  }
  for (const [name, target] of Object.entries(config.targets)) {
    const { host, port } = target.connection;
    const path = `targets.${name}.connection`;
    specs.push({ path, kind: 'redis', host, port, ...targetAuthOptions(name, target.connection) });
  }
  return specs;
}
