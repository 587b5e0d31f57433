// Validation of a pipeline before it is stored: config.yaml (schema, rules, `${NAME}` resolved
// from the stored secrets), the jobs (loaded and compiled as the processor will), and on a dry
// run the connections to sources and targets. Throws one ProblemsError listing every problem;
// a valid pipeline comes back with its warnings (config keys accepted without effect).
//
// Secrets stay write-only: every problem is redacted (secrets/redact-secrets.ts); a job that
// uses a secret is described from a compile with placeholders (a position inside an
// expression would tell a secret's length); and a connection whose credentials come from
// stored secrets gets them only when it goes where the stored pipeline already goes.

import { SluiceError } from '../../common/errors.ts';
import type { PipelineConfig } from '../../pipeline/load-config.ts';
import { ProblemsError, problemOf } from '../http/problems-error.ts';
import type { ConnectionSpec, ConnectionTester } from '../net/test-connections.ts';
import type { Problem } from '../schemas/error-body.ts';
import type { PipelineDefinition } from '../store/pipeline-store.ts';
import { secretRedactor, type Redactor } from '../secrets/redact-secrets.ts';
import { targetAuthOptions } from '../../processor/target-tls.ts';
import {
  checkDefinition,
  type DefinitionCheck,
  type DefinitionCheckRequest,
} from './check-definition.ts';

export { CONFIG_NO_EFFECT } from './check-definition.ts';

/** Runs checkDefinition: in process by default, in an expression worker in the api. */
export type DefinitionChecker = (request: DefinitionCheckRequest) => Promise<DefinitionCheck>;

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
  /**
   * connectionKey() of each connection of the stored pipeline: only these are tried with
   * credentials that come from stored secrets (others are tried without them).
   */
  readonly trustedConnections?: ReadonlySet<string>;
  /** Where the CPU-bound checks run (default: in this thread). */
  readonly check?: DefinitionChecker;
}

export interface ValidatedPipeline {
  /** Paths of the connections tried (none unless testConnections). */
  readonly tested: string[];
  /** config.yaml keys accepted without effect in Sluice, at their file:line:column. */
  readonly warnings: Problem[];
}

/** Validates; a valid pipeline comes back with what was tried and its warnings. */
export async function validatePipeline(
  definition: PipelineDefinition,
  options: ValidateOptions,
): Promise<ValidatedPipeline> {
  const redact = secretRedactor(Object.values(options.secrets));
  const check = options.check ?? checkDefinition;
  const checked = await check({
    config: definition.config,
    jobs: definition.jobs,
    secrets: options.secrets,
  });
  const problems: Problem[] = [...checked.problems];
  const config = checked.config;
  const tested: string[] = [];
  if (config !== undefined && problems.length === 0 && options.testConnections !== undefined) {
    const secretValues = Object.values(options.secrets).filter((value) => value.length > 0);
    for (const spec of connectionSpecs(config)) {
      const trusted = options.trustedConnections?.has(connectionKey(spec)) === true;
      // A host holding a secret would send it in the DNS query (`${PASSWORD}.example.net`):
      // such a connection is tried only where the stored pipeline already goes.
      if (!trusted && holdsAny(spec.host, secretValues)) continue;
      const tried = trusted ? spec : withoutStoredCredentials(spec, secretValues);
      tested.push(spec.path);
      const result = await options.testConnections(tried);
      if (!result.ok)
        problems.push(problemOf(new SluiceError(result.code, result.message, { path: spec.path })));
    }
  }
  const first = problems[0];
  if (first === undefined) return { tested, warnings: checked.warnings };
  const shown = problems.map((problem) => redactProblem(problem, redact));
  const summary =
    shown.length === 1
      ? (shown[0]?.message ?? '')
      : `${shown.length} problems; the first: ${shown[0]?.message ?? ''}`;
  throw new ProblemsError(
    first.code === 'ADDRESS_FORBIDDEN' || first.code === 'CONNECTION_FAILED'
      ? first.code
      : 'CONFIG_INVALID',
    summary,
    shown,
    first.path === undefined ? undefined : redact(first.path),
  );
}

function redactProblem(problem: Problem, redact: Redactor): Problem {
  return {
    ...problem,
    message: redact(problem.message),
    ...(problem.path === undefined ? {} : { path: redact(problem.path) }),
    ...(problem.hint === undefined ? {} : { hint: redact(problem.hint) }),
  };
}

function holdsAny(text: string | undefined, values: readonly string[]): boolean {
  return text !== undefined && values.some((value) => text.includes(value));
}

/** Identifies a connection by where it is in config.yaml and where it goes. */
export function connectionKey(spec: ConnectionSpec): string {
  return `${spec.path} ${spec.host}:${String(spec.port)}`;
}

/**
 * A connection to a place the stored pipeline does not go is tried without credentials that
 * hold a stored secret's value: a logged-in user must not make the api send a secret to a
 * server of their choosing. It still shows whether the server answers.
 */
function withoutStoredCredentials(
  spec: ConnectionSpec,
  secretValues: readonly string[],
): ConnectionSpec {
  if (!holdsAny(spec.username, secretValues) && !holdsAny(spec.password, secretValues)) return spec;
  const withheld: ConnectionSpec & { username?: string; password?: string } = {
    ...spec,
    credentialsWithheld: true,
  };
  delete withheld.username;
  delete withheld.password;
  return withheld;
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
