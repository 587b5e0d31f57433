// The whole of a job dry-run request as one pure function: compile the posted job, turn the
// inputs into change events, run the job, shape the answer. It runs inside an expression
// worker (expression-worker.ts), so a runaway expression cannot stall the api's event loop.

import type { DryRunResult } from '../../processor/core/jobs/dry-run.ts';
import { dryRun } from '../../processor/core/jobs/dry-run.ts';
import type { TypeRendering } from '../../processor/core/type-rendering.ts';
import { checkInputDepth, dryRunEvents } from './dry-run-input.ts';
import { dryRunView } from './dry-run-view.ts';
import { redactedEnvironment } from './redacted-env.ts';
import { checkJobDepth, compileRequestJob } from './request-job.ts';

export interface DryRunRequest {
  readonly job: string | Readonly<Record<string, unknown>>;
  readonly input_data: unknown;
  readonly key_columns?: readonly string[];
  readonly now?: number;
  readonly type_rendering?: TypeRendering;
  /** Names of the stored secrets: each `${NAME}` among them resolves to a placeholder. */
  readonly secretNames: readonly string[];
}

export type DryRunResponse = { readonly job: string } & ReturnType<typeof dryRunView>;

/**
 * The request's own limits that need no job: the job object's and each input's nesting,
 * checked iteratively. The route calls it before handing the request to a worker (cloning
 * a deep value recurses too); the worker's run checks again, where the paths are reported.
 */
export function checkDryRunRequest(request: Pick<DryRunRequest, 'job' | 'input_data'>): void {
  checkJobDepth(request.job);
  checkInputDepth(request.input_data);
}

export async function runDryRunRequest(request: DryRunRequest): Promise<DryRunResponse> {
  const { job, input_data, key_columns, now, type_rendering, secretNames } = request;
  const compiled = compileRequestJob(job, redactedEnvironment(secretNames));
  const typeRendering = type_rendering ?? 'sluice';
  const events = dryRunEvents(input_data, compiled, {
    ...(key_columns === undefined ? {} : { keyColumns: key_columns }),
    typeRendering,
  });
  const result: DryRunResult = await dryRun(compiled, events, { now: now ?? 0, typeRendering });
  return { job: compiled.name, ...dryRunView(result) };
}
