// Problems of a pipeline's jobs are listed up to a cap, per file and over all jobs, with one
// last problem counting the rest: a flood of mistakes costs the caller a bounded answer.
import { describe, expect, it } from 'vitest';
import { MAX_REPORTED_PROBLEMS } from '../../pipeline/config-problem.ts';
import { compilePipelineJobs, MAX_JOB_SEPARATORS } from './pipeline-jobs.ts';

const jobWithUnknownKeys = (table: string, count: number): string =>
  [
    'source:',
    `  table: ${table}`,
    ...Array.from({ length: count }, (_, i) => `x_${String(i)}: 1`),
    '',
  ].join('\n');

describe('compilePipelineJobs problem caps', () => {
  it('lists at most 100 problems of one job file and counts the rest', () => {
    const { problems } = compilePipelineJobs({ a: jobWithUnknownKeys('a', 150) }, {});
    expect(problems).toHaveLength(MAX_REPORTED_PROBLEMS + 1);
    expect(problems[0]).toMatchObject({ code: 'CONFIG_UNKNOWN_KEY', path: 'x_0' });
    expect(problems.at(-1)?.message).toContain('50 more problem(s) in jobs/a.yaml are not listed');
  });

  it('lists at most 100 problems over all jobs and counts the rest', () => {
    const texts = Object.fromEntries(
      ['a', 'b', 'c'].map((name) => [name, jobWithUnknownKeys(name, 60)]),
    );
    const { problems } = compilePipelineJobs(texts, {});
    expect(problems).toHaveLength(MAX_REPORTED_PROBLEMS + 1);
    expect(problems.at(-1)?.message).toContain('80 more problem(s) in the jobs are not listed');
  });

  it('refuses job files that hold more lines in all than a pipeline may, before parsing any', () => {
    const job = `source:\n  table: t\n${'# filler\n'.repeat(999)}`;
    const texts = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`j${i}`, job]));
    const { jobs, problems } = compilePipelineJobs(texts, {});
    expect(jobs).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'CONFIG_YAML_LIMIT', path: 'jobs' });
    expect(problems[0]?.message).toContain(`the limit is ${MAX_JOB_SEPARATORS}`);
  });
});
