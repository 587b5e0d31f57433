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
import { configNoticesOfText } from '../../pipeline/config-notices.ts';
import { ENV_REFERENCE } from '../../pipeline/config-scalars.ts';
import { checkPipelineConfig, type PipelineConfig } from '../../pipeline/load-config.ts';
import { ProblemsError, problemOf } from '../http/problems-error.ts';
import type { ConnectionSpec, ConnectionTester } from '../net/test-connections.ts';
import type { Problem } from '../schemas/error-body.ts';
import type { PipelineDefinition } from '../store/pipeline-store.ts';
import { compileJobText, compilePipelineJobs, outputDefaultsOf } from '../jobs/pipeline-jobs.ts';
import { redactedEnvironment } from '../jobs/redacted-env.ts';
import { secretRedactor, type Redactor } from '../secrets/redact-secrets.ts';
import { targetAuthOptions } from '../../processor/target-tls.ts';
import type { OutputDefaults } from '../../processor/jobs/compile-output.ts';

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
}

export interface ValidatedPipeline {
  /** Paths of the connections tried (none unless testConnections). */
  readonly tested: string[];
  /** config.yaml keys accepted without effect in Sluice, at their file:line:column. */
  readonly warnings: Problem[];
}

/** The code of a warning about a config key that has no effect in Sluice. */
export const CONFIG_NO_EFFECT = 'CONFIG_NO_EFFECT';

/** Validates; a valid pipeline comes back with what was tried and its warnings. */
export async function validatePipeline(
  definition: PipelineDefinition,
  options: ValidateOptions,
): Promise<ValidatedPipeline> {
  const redact = secretRedactor(Object.values(options.secrets));
  const problems: Problem[] = [];
  const checked = checkPipelineConfig(definition.config, 'config.yaml', options.secrets);
  if (!checked.ok) problems.push(...checked.errors.map(problemOf));
  // Jobs compile with the config's output defaults when the config is valid (RDI's otherwise).
  const defaults = outputDefaultsOf(checked.ok ? checked.config.processors : undefined);
  // Every job's connections must be targets of config.yaml (checked when the config is valid).
  const targets = checked.ok ? Object.keys(checked.config.targets) : undefined;
  problems.push(...jobProblems(definition.jobs, options.secrets, defaults, targets));
  const tested: string[] = [];
  if (checked.ok && problems.length === 0 && options.testConnections !== undefined) {
    const secretValues = Object.values(options.secrets).filter((value) => value.length > 0);
    for (const spec of connectionSpecs(checked.config)) {
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
  if (first === undefined) return { tested, warnings: configWarnings(definition.config) };
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

/**
 * The jobs' problems, compiled with the real secrets (what the processor will run). A job
 * whose text references a stored secret is described from a compile with placeholders, or,
 * when only the real values fail, by one problem that says so without details.
 */
function jobProblems(
  jobs: Readonly<Record<string, string>>,
  secrets: Readonly<Record<string, string>>,
  defaults: OutputDefaults,
  targets: readonly string[] | undefined,
): Problem[] {
  const real = compilePipelineJobs(jobs, secrets, defaults, targets);
  if (real.problems.length === 0) return [];
  const placeholders = redactedEnvironment(Object.keys(secrets));
  const problems: Problem[] = [];
  const described = new Set<string>();
  for (const error of real.problems) {
    const file = error.location?.file;
    const name = file?.replace(/^jobs\//, '').replace(/\.yaml$/, '');
    const text = name === undefined ? undefined : jobs[name];
    if (file === undefined || text === undefined || !usesSecrets(text, secrets)) {
      problems.push(problemOf(error));
      continue;
    }
    if (described.has(file)) continue;
    described.add(file);
    const shown = compileJobText(text, file, placeholders, defaults);
    if ('problems' in shown && shown.problems.length > 0) {
      problems.push(...shown.problems.map(problemOf));
    } else {
      problems.push({
        code: 'JOB_INVALID',
        message: `${file}: the job fails only with its secret values filled in; details are not shown because they could reveal a secret.`,
        file,
        hint: 'check the values of the secrets the job references',
      });
    }
  }
  return problems;
}

function usesSecrets(text: string, secrets: Readonly<Record<string, string>>): boolean {
  for (const match of text.matchAll(new RegExp(ENV_REFERENCE.source, 'g'))) {
    const name = match[1];
    if (name !== undefined && Object.hasOwn(secrets, name)) return true;
  }
  return false;
}

/**
 * The deploy warnings of config.yaml. Not redacted: they are read from the text as sent, with
 * no `${NAME}` resolved, so they hold no stored secret; redacting would mangle a fixed word
 * such as "Sluice" wherever a secret happens to have that value.
 */
function configWarnings(config: string): Problem[] {
  return configNoticesOfText(config, 'config.yaml').map(({ path, message, location }) => ({
    code: CONFIG_NO_EFFECT,
    message,
    path: path.join('.'),
    file: location.file,
    line: location.line,
    column: location.column,
  }));
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
