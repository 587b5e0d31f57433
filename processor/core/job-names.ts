// Which job handles an event, by name, for the records a job rejects: the dead-letter entry
// names the job (`default` for RDI's built-in default job), so a user knows what to fix.

import type { ChangeEvent } from './change-event.ts';
import type { CompiledJob } from '../jobs/compile-job.ts';
import { selectJob, serverNameOf } from './jobs/select-job.ts';

/** The job name of tables without a job of their own (RDI's default job). */
export const DEFAULT_JOB_NAME = 'default';

export function jobNamer(
  jobs: readonly CompiledJob[],
): (event: ChangeEvent, stream: string) => string {
  return (event, stream) => selectJob(event, serverNameOf(stream), jobs)?.name ?? DEFAULT_JOB_NAME;
}
