// Helpers for the job engine's unit tests: a job from YAML text, an event, one dry-run.
import { parseJobFile } from '../../pipeline/load-jobs.ts';
import type { ChangeEvent } from '../core/change-event.ts';
import type { CompiledJob, CompileOptions } from './compile-job.ts';
import { compileJob } from './compile-job.ts';
import type { DryRunOptions, DryRunResult } from '../core/jobs/dry-run.ts';
import { dryRun } from '../core/jobs/dry-run.ts';

export function jobFromYaml(text: string, options: CompileOptions = {}): CompiledJob {
  return compileJob(parseJobFile(text, 'jobs/test.yaml', {}), options);
}

export function event(overrides: Partial<ChangeEvent> = {}): ChangeEvent {
  return {
    op: 'c',
    key: { id: 7 },
    before: null,
    after: { id: 7, name: 'Ada', city: 'London' },
    db: 'shop',
    schema: 'public',
    table: 'customers',
    snapshot: 'false',
    sourceTsMs: 1,
    ...overrides,
  };
}

export function run(
  yaml: string,
  events: readonly ChangeEvent[],
  options: DryRunOptions = {},
): Promise<DryRunResult> {
  return dryRun(jobFromYaml(yaml), events, options);
}
