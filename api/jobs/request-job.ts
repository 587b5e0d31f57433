// The job of a dry-run request, given as YAML text or as an object, loaded and compiled like a
// deployed job. Problems are reported as one ProblemsError whose paths start at `body.job`;
// for YAML text each problem also names its line and column.

import { stringify } from 'yaml';
import type { Environment } from '../../pipeline/env-references.ts';
import { YAML_LIMITS } from '../../pipeline/yaml-document.ts';
import type { CompiledJob } from '../../processor/jobs/compile-job.ts';
import { pathDeeperThan } from '../../processor/core/value-depth.ts';
import { ProblemsError, problemOf } from '../http/problems-error.ts';
import type { Problem } from '../schemas/error-body.ts';
import { compileJobText } from './pipeline-jobs.ts';

const FILE = 'job.yaml';

export function compileRequestJob(
  job: string | Readonly<Record<string, unknown>>,
  env: Environment,
): CompiledJob {
  checkJobDepth(job);
  const text = typeof job === 'string' ? job : stringify(job);
  const result = compileJobText(text, FILE, env);
  if ('job' in result) return result.job;
  const problems = result.problems.map((error): Problem => {
    const problem = problemOf(error);
    const path = problem.path === undefined ? 'body.job' : `body.job.${problem.path}`;
    if (typeof job === 'string') return { ...problem, path };
    // Lines of the YAML rendered from an object mean nothing to the caller: keep the path only.
    return {
      code: problem.code,
      message: stripLocation(problem.message),
      path,
      ...(problem.hint === undefined ? {} : { hint: problem.hint }),
    };
  });
  const first = problems[0];
  const summary =
    problems.length === 1
      ? (first?.message ?? 'the job is invalid')
      : `${problems.length} problems in the job; the first: ${first?.message ?? ''}`;
  throw new ProblemsError('JOB_INVALID', summary, problems, first?.path ?? 'body.job');
}

/**
 * A job object is rendered as YAML, a recursive walk: refuse one deeper than a job file may be
 * (the YAML loader's own limit) first, so that 800 levels are a 400, not a stack overflow.
 */
export function checkJobDepth(job: string | Readonly<Record<string, unknown>>): void {
  if (typeof job === 'string' || pathDeeperThan(job, YAML_LIMITS.maxDepth) === undefined) return;
  const message = `the job nests mappings and lists more than ${YAML_LIMITS.maxDepth} levels deep`;
  const problem = { code: 'CONFIG_YAML_LIMIT', message, path: 'body.job' };
  throw new ProblemsError('JOB_INVALID', message, [problem], 'body.job');
}

function stripLocation(message: string): string {
  return message.startsWith(`${FILE}:`) ? message.replace(/^job\.yaml:\d+:\d+: /, '') : message;
}
