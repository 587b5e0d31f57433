// The rendering half of a trace as one pure function of plain data: compile the pipeline's
// stored jobs (secrets redacted) and run the captured entries through them. It runs inside an
// expression worker (expression-tasks.ts), like a job dry-run, so that a stored job with a
// runaway expression cannot stall the api while it renders up to 1,000 entries.

import type { OutputDefaults } from '../../processor/jobs/compile-output.ts';
import type { TypeRendering } from '../../processor/core/type-rendering.ts';
import type { CapturedEntry } from '../trace/capture-entries.ts';
import { traceEntries, type TracedEntry } from '../trace/trace-entries.ts';
import { compilePipelineJobs } from './pipeline-jobs.ts';
import { redactedEnvironment } from './redacted-env.ts';

export interface TraceRenderRequest {
  /** The stored job texts by job name. */
  readonly jobs: Readonly<Record<string, string>>;
  /** Names of the stored secrets: each `${NAME}` among them resolves to a placeholder. */
  readonly secretNames: readonly string[];
  readonly defaults: OutputDefaults;
  readonly entries: readonly CapturedEntry[];
  readonly defaultDataType: 'hash' | 'json';
  readonly typeRendering?: TypeRendering;
  readonly now: number;
}

/** The traced entries; a job that no longer compiles is skipped (the route checks them first). */
export async function renderTrace(request: TraceRenderRequest): Promise<TracedEntry[]> {
  const env = redactedEnvironment(request.secretNames);
  const { jobs } = compilePipelineJobs(request.jobs, env, request.defaults);
  return traceEntries(request.entries, {
    jobs,
    defaultDataType: request.defaultDataType,
    ...(request.typeRendering === undefined ? {} : { typeRendering: request.typeRendering }),
    now: request.now,
  });
}
