// Dry-run of a job: the transformed records and the Redis commands for given input events,
// without touching Redis. Serves the API's dry-run, the CLI and job tests. Time, ids and
// lookup replies are injected, so a dry-run is repeatable.

import { isSluiceError } from '../../../common/errors.ts';
import type { ChangeEvent } from '../change-event.ts';
import type { TypeRendering } from '../type-rendering.ts';
import { connectionOf } from '../write-plan.ts';
import type { CompiledJob } from '../../jobs/compile-job.ts';
import type { JobObject } from './job-value.ts';
import { redisCommands } from './redis-commands.ts';
import { runJob } from './run-job.ts';
import type { LookupPort, StepContext } from './step.ts';
import { noLookups } from './step.ts';

export interface DryRunOptions {
  readonly now?: number;
  readonly uuid?: () => string;
  readonly lookup?: LookupPort;
  /** processors.type_rendering of the pipeline (default `sluice`). */
  readonly typeRendering?: TypeRendering;
}

export interface DryRunRecord {
  readonly input: number;
  /** The record after the transforms; absent when filtered out or rejected. */
  readonly record?: JobObject;
  readonly outcome: 'inserted' | 'updated' | 'deleted' | 'filtered' | 'rejected';
  readonly commands: readonly (readonly string[])[];
  /** For a rejected input: the error code and message that would go to the DLQ. */
  readonly error?: { readonly code: string; readonly message: string };
}

export interface DryRunResult {
  /** Transformed records of the inputs that were not filtered out or rejected. */
  readonly records: readonly JobObject[];
  /** Every command, in order; a command for another connection is prefixed `@<name>`. */
  readonly commands: readonly (readonly string[])[];
  readonly details: readonly DryRunRecord[];
}

/** A fixed uuid sequence, so dry-runs are repeatable. */
function countingUuid(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
}

export async function dryRun(
  job: CompiledJob,
  inputs: readonly ChangeEvent[],
  options: DryRunOptions = {},
): Promise<DryRunResult> {
  const evaluation = { now: options.now ?? 0, uuid: options.uuid ?? countingUuid() };
  const context: StepContext = {
    evaluation,
    limits: job.limits,
    lookup: options.lookup ?? noLookups,
    rendering: options.typeRendering ?? 'sluice',
  };
  const details: DryRunRecord[] = [];
  for (const [input, event] of inputs.entries()) {
    try {
      const run = await runJob(job, event, context);
      const commands = run.plan.ops.flatMap((op) => {
        const connection = connectionOf(op);
        const prefix = connection === 'target' ? [] : [`@${connection}`];
        return redisCommands(op).map((command) => [...prefix, ...command]);
      });
      details.push({
        input,
        ...(run.record === undefined ? {} : { record: run.record }),
        outcome: run.plan.outcome,
        commands,
      });
    } catch (error) {
      if (!isSluiceError(error) || error.retryable) throw error;
      details.push({
        input,
        outcome: 'rejected',
        commands: [],
        error: { code: error.code, message: error.message },
      });
    }
  }
  return {
    records: details.flatMap((d) => (d.record === undefined ? [] : [d.record])),
    commands: details.flatMap((d) => d.commands),
    details,
  };
}
