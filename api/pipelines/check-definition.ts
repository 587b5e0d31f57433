// The CPU-bound part of validating a pipeline: config.yaml (schema, rules, `${NAME}` resolved
// from the stored secrets), the jobs (loaded and compiled as the processor will) and the
// deploy warnings. Pure and structured-clonable in and out, so the api runs it in an
// expression worker (api/jobs/expression-pool.ts): a maximal request (1 MiB of config.yaml,
// 1,000 jobs in 8 MiB) costs its CPU there, never on the event loop that answers others.

import { configNoticesOfText } from '../../pipeline/config-notices.ts';
import { ENV_REFERENCE } from '../../pipeline/config-scalars.ts';
import { checkPipelineConfig, type PipelineConfig } from '../../pipeline/load-config.ts';
import { problemOf } from '../http/problems-error.ts';
import type { Problem } from '../schemas/error-body.ts';
import { compileJobText, compilePipelineJobs, outputDefaultsOf } from '../jobs/pipeline-jobs.ts';
import { redactedEnvironment } from '../jobs/redacted-env.ts';
import type { OutputDefaults } from '../../processor/jobs/compile-output.ts';

export interface DefinitionCheckRequest {
  readonly config: string;
  readonly jobs: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, string>>;
}

export interface DefinitionCheck {
  /** The checked config.yaml; undefined when it has problems. */
  readonly config: PipelineConfig | undefined;
  /** Every problem of config.yaml and the jobs, not yet redacted. */
  readonly problems: Problem[];
  /** config.yaml keys accepted without effect in Sluice (only when there is no problem). */
  readonly warnings: Problem[];
}

/** The code of a warning about a config key that has no effect in Sluice. */
export const CONFIG_NO_EFFECT = 'CONFIG_NO_EFFECT';

export function checkDefinition(request: DefinitionCheckRequest): Promise<DefinitionCheck> {
  const { secrets } = request;
  const problems: Problem[] = [];
  const checked = checkPipelineConfig(request.config, 'config.yaml', secrets);
  if (!checked.ok) problems.push(...checked.errors.map(problemOf));
  // Jobs compile with the config's output defaults when the config is valid (RDI's otherwise).
  const defaults = outputDefaultsOf(checked.ok ? checked.config.processors : undefined);
  // Every job's connections must be targets of config.yaml (checked when the config is valid).
  const targets = checked.ok ? Object.keys(checked.config.targets) : undefined;
  problems.push(...jobProblems(request.jobs, secrets, defaults, targets));
  return Promise.resolve({
    config: checked.ok ? checked.config : undefined,
    problems,
    warnings: problems.length === 0 ? configWarnings(request.config) : [],
  });
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
