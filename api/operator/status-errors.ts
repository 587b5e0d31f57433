// The `errors` the operator reports in the pipeline's status: a pipeline that could not be
// prepared, a child failing again and again, and capture paused for backpressure. Pure.

import { CRASH_LOOP_FAILURES } from './pipeline-phase.ts';
import type { ComponentName } from './reconcile.ts';
import type { StatusError } from './status-report.ts';

export interface ChildErrorInput {
  readonly type: ComponentName;
  /** Consecutive failed runs. */
  readonly failures: number;
  /** Its last message (exit status or start failure). */
  readonly message: string | undefined;
}

export function statusErrors(input: {
  readonly configError: StatusError | undefined;
  readonly children: readonly ChildErrorInput[];
  readonly paused: boolean;
  /** Errors of other watchers (e.g. the sink's memory stall), reported last. */
  readonly others?: readonly (StatusError | undefined)[];
}): StatusError[] {
  const errors: StatusError[] = [];
  if (input.configError !== undefined) errors.push(input.configError);
  for (const child of input.children) {
    if (child.failures < CRASH_LOOP_FAILURES) continue;
    errors.push({
      code: `${child.type.toUpperCase()}_CRASH_LOOP`,
      message: `The ${child.type} failed ${child.failures} times in a row: ${child.message ?? 'no detail'}`,
      remediation: `read the ${child.type} log in the operator's working folder`,
    });
  }
  if (input.paused) {
    errors.push({
      code: 'BACKPRESSURE',
      message: 'Capture is paused while the processor catches up.',
      remediation: 'nothing to do unless it lasts; check the target and the processor',
    });
  }
  for (const other of input.others ?? []) if (other !== undefined) errors.push(other);
  return errors;
}
