// Loads and compiles the jobs of a pipeline as the processor will: each job text through the
// job loader (schema, rules) and the compiler (expressions), then one
// job per table. Collects every problem instead of stopping at the first. Pure.

import { isSluiceError, SluiceError } from '../../common/errors.ts';
import { MAX_REPORTED_PROBLEMS, OmittedProblems } from '../../pipeline/config-problem.ts';
import type { Environment } from '../../pipeline/env-references.ts';
import type { ProcessorsConfig } from '../../pipeline/load-config.ts';
import { checkOneJobPerTable, parseJobFile, type JobDefinition } from '../../pipeline/load-jobs.ts';
import type { CompiledJob } from '../../processor/jobs/compile-job.ts';
import { compileJob, DEFAULT_OUTPUT } from '../../processor/jobs/compile-job.ts';
import type { OutputDefaults } from '../../processor/jobs/compile-output.ts';

export interface PipelineJobs {
  /** Jobs that loaded and compiled, in job-name order. */
  readonly jobs: readonly CompiledJob[];
  readonly problems: readonly SluiceError[];
}

/** The output defaults a pipeline's `processors` section gives jobs. */
export function outputDefaultsOf(processors: ProcessorsConfig | undefined): OutputDefaults {
  if (processors === undefined) return DEFAULT_OUTPUT;
  return { dataType: processors.target_data_type, jsonUpdate: processors.json_update_strategy };
}

/**
 * Lines and commas of all job files together. Each file has the YAML limits of one document;
 * this bounds the whole pipeline, so that validating a maximal request (1,000 jobs in 8 MiB)
 * costs about a second, not ten. A real pipeline has a few thousand lines of jobs.
 */
export const MAX_JOB_SEPARATORS = 50_000;

/** The file name a stored job is reported under. */
function jobFileName(name: string): string {
  return `jobs/${name}.yaml`;
}

export function compilePipelineJobs(
  texts: Readonly<Record<string, string>>,
  env: Environment,
  defaults: OutputDefaults = DEFAULT_OUTPUT,
  /** config.yaml's target names: each job's connections must be among them (when given). */
  targets?: readonly string[],
): PipelineJobs {
  const separators = Object.values(texts).reduce((n, text) => n + separatorCount(text), 0);
  if (separators > MAX_JOB_SEPARATORS) {
    const message = `the job files hold ${separators} lines and commas in all; the limit is ${MAX_JOB_SEPARATORS}`;
    return {
      jobs: [],
      problems: [new SluiceError('CONFIG_YAML_LIMIT', message, { path: 'jobs' })],
    };
  }
  const problems: SluiceError[] = [];
  const accepted: JobDefinition[] = [];
  const jobs: CompiledJob[] = [];
  for (const [name, text] of Object.entries(texts).sort(([a], [b]) => a.localeCompare(b))) {
    const loaded = attempt(problems, () =>
      loadJob(text, jobFileName(name), env, defaults, targets),
    );
    if (loaded === undefined) continue;
    const unique = attempt(problems, () => {
      checkOneJobPerTable([...accepted, loaded.definition]);
      return true;
    });
    if (unique === undefined) continue;
    accepted.push(loaded.definition);
    jobs.push(loaded.job);
  }
  return { jobs, problems: capped(problems) };
}

function separatorCount(text: string): number {
  let count = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  for (let i = text.indexOf(','); i !== -1; i = text.indexOf(',', i + 1)) count++;
  return count;
}

/**
 * The first problems over all jobs, and one counting the rest. Each file's list is capped
 * already (ending with its own count, which stays when it fits).
 */
function capped(problems: readonly SluiceError[]): readonly SluiceError[] {
  if (problems.length <= MAX_REPORTED_PROBLEMS + 1) return problems;
  const listed = problems.filter((p) => !(p instanceof OmittedProblems));
  const shown = listed.slice(0, MAX_REPORTED_PROBLEMS);
  const total = problems.reduce((n, p) => n + (p instanceof OmittedProblems ? p.omitted : 1), 0);
  const last = shown.at(-1);
  if (last === undefined) return problems;
  return [...shown, new OmittedProblems(last.code, total - shown.length, 'the jobs')];
}

/** One job text, loaded and compiled; `problems` lists every problem found when it fails. */
export function compileJobText(
  text: string,
  file: string,
  env: Environment,
  defaults: OutputDefaults = DEFAULT_OUTPUT,
): { readonly job: CompiledJob } | { readonly problems: readonly SluiceError[] } {
  const problems: SluiceError[] = [];
  const loaded = attempt(problems, () => loadJob(text, file, env, defaults));
  return loaded === undefined ? { problems } : { job: loaded.job };
}

function loadJob(
  text: string,
  file: string,
  env: Environment,
  defaults: OutputDefaults,
  targets?: readonly string[],
): { definition: JobDefinition; job: CompiledJob } {
  const definition = parseJobFile(text, file, env, targets === undefined ? {} : { targets });
  return { definition, job: compileJob(definition, { defaults }) };
}

/** Runs `step`; a SluiceError (and every problem its cause aggregates) becomes a problem. */
function attempt<T>(problems: SluiceError[], step: () => T): T | undefined {
  try {
    return step();
  } catch (error) {
    if (!isSluiceError(error)) throw error;
    const cause: unknown = error.cause;
    if (cause instanceof AggregateError) {
      problems.push(...cause.errors.filter((e): e is SluiceError => isSluiceError(e)));
    } else {
      problems.push(error);
    }
    return undefined;
  }
}
