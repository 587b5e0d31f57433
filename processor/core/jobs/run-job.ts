// Runs a compiled job on one change event: build the record, apply the steps, plan every
// output. Pure apart from the injected lookup port: (event, job, context) → transformed
// record + write plan. An update whose key may have moved also runs on the `before` row (when
// the change has none, the row index in the target removes what moved: processor/core/row-index.ts).

import type { ChangeEvent } from '../change-event.ts';
import { SluiceError } from '../../../common/errors.ts';
import type { EventPlan, Outcome, WriteOp } from '../write-plan.ts';
import type { CompiledOutput, OutputInput } from '../../jobs/compile-output.ts';
import type { CompiledJob } from '../../jobs/compile-job.ts';
import type { JobRecord, WriteOpcode, WriteView } from './job-record.ts';
import { eventRecord, writeView } from './job-record.ts';
import type { JobObject } from './job-value.ts';
import type { Step, StepContext } from './step.ts';
import type { MaybePromise } from './maybe-async.ts';
import { andThen, reduceSteps } from './maybe-async.ts';

export interface JobRun {
  /** The record after the transforms; undefined when it was filtered out. */
  readonly record: JobObject | undefined;
  readonly plan: EventPlan;
}

const FILTERED: JobRun = { record: undefined, plan: { ops: [], outcome: 'filtered' } };

function transform(
  job: CompiledJob,
  record: JobRecord,
  context: StepContext,
): MaybePromise<JobRecord | undefined> {
  return andThen(
    reduceSteps<Step, JobObject>(job.steps, record.data, (step, data) => step(data, context)),
    (data) => (data === undefined ? undefined : { data, unavailable: record.unavailable }),
  );
}

function toView(job: CompiledJob, record: JobRecord, op: WriteOpcode): WriteView {
  const view = writeView(record, job.rowFormat, op);
  if ('invalid' in view)
    throw new SluiceError('JOB_OUTPUT_INVALID', `job ${job.name}: ${view.invalid}`);
  return view;
}

const OUTCOMES: Record<WriteOpcode, Outcome> = {
  c: 'inserted',
  r: 'inserted',
  u: 'updated',
  d: 'deleted',
};

/** Synchronous unless a step or an output had to wait (then a promise). */
export function runJob(
  job: CompiledJob,
  event: ChangeEvent,
  context: StepContext,
): MaybePromise<JobRun> {
  if (event.op === 't' || event.op === 'm') return FILTERED;
  const op: WriteOpcode = event.op;
  return andThen(transform(job, eventRecord(event, job.rowFormat, 'now'), context), (now) => {
    if (now === undefined) return FILTERED;
    const view = toView(job, now, op);
    // The old placement only matters for an update of a row that outputs place by its content.
    const old: MaybePromise<WriteView | undefined> =
      event.op === 'u' &&
      event.before !== null &&
      view.opcode !== 'd' &&
      job.outputs.some((o) => o.movable)
        ? andThen(transform(job, eventRecord(event, job.rowFormat, 'before'), context), (before) =>
            before === undefined ? undefined : toView(job, before, op),
          )
        : undefined;
    return andThen(old, (oldView) =>
      andThen(planOutputs(job, event, view, oldView, context), (ops) => ({
        record: now.data,
        plan: { ops, outcome: OUTCOMES[view.opcode] },
      })),
    );
  });
}

function planOutputs(
  job: CompiledJob,
  event: ChangeEvent,
  view: WriteView,
  old: WriteView | undefined,
  context: StepContext,
): MaybePromise<WriteOp[]> {
  // With the row index, a delete removes what the row placed from the index. A delete's
  // `before` may hold only the key, with Debezium's defaults ('' or 0) in the other columns
  // (PostgreSQL without REPLICA IDENTITY FULL), so the removals computed from it for outputs
  // placed by content apply only where the index does not know the row (unlessIndexed), and
  // one that cannot be computed is left to the index. Streams still log the delete.
  const byIndex = context.rowIndex === true && event.op === 'd' && view.opcode === 'd';
  const ops: WriteOp[] = [];
  const planning = reduceSteps(job.outputs, ops, (output, planned) => {
    if (!byIndex || !output.movable || output.dataType === 'stream') {
      return andThen(output.plan({ event, view, old }, context), (more) => {
        for (const op of more) planned.push(op);
        return planned;
      });
    }
    return andThen(planUnlessIndexed(output, { event, view, old }, context), (more) => {
      for (const op of more) planned.push({ ...op, unlessIndexed: true });
      return planned;
    });
  });
  // No output step gives undefined: every op has been collected in `ops`.
  return andThen(planning, () => ops);
}

/**
 * The output's ops, or none when its key or member cannot be computed (the index knows it).
 * Synchronous unless the output had to wait, like every plan.
 */
function planUnlessIndexed(
  output: CompiledOutput,
  input: OutputInput,
  context: StepContext,
): MaybePromise<WriteOp[]> {
  try {
    const planned = output.plan(input, context);
    return planned instanceof Promise ? planned.catch(() => []) : planned;
  } catch {
    return [];
  }
}
