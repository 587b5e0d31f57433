// Runs a compiled job on one change event: build the record, apply the steps, plan every
// output. Pure apart from the injected lookup port: (event, job, context) → transformed
// record + write plan. An update whose key may have moved also runs on the `before` row (when
// the change has none, the row index in the target removes what moved: processor/row-index.ts).

import type { ChangeEvent } from '../change-event.ts';
import { SluiceError } from '../../common/errors.ts';
import type { EventPlan, Outcome, WriteOp } from '../write-plan.ts';
import type { CompiledJob } from './compile-job.ts';
import type { JobRecord, WriteOpcode, WriteView } from './job-record.ts';
import { eventRecord, writeView } from './job-record.ts';
import type { JobObject } from './job-value.ts';
import type { StepContext } from './step.ts';

export interface JobRun {
  /** The record after the transforms; undefined when it was filtered out. */
  readonly record: JobObject | undefined;
  readonly plan: EventPlan;
}

const FILTERED: JobRun = { record: undefined, plan: { ops: [], outcome: 'filtered' } };

async function transform(
  job: CompiledJob,
  record: JobRecord,
  context: StepContext,
): Promise<JobRecord | undefined> {
  let data: JobObject | undefined = record.data;
  for (const step of job.steps) {
    data = await step(data, context);
    if (data === undefined) return undefined;
  }
  return { data, unavailable: record.unavailable };
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

export async function runJob(
  job: CompiledJob,
  event: ChangeEvent,
  context: StepContext,
): Promise<JobRun> {
  if (event.op === 't' || event.op === 'm') return FILTERED;
  const op: WriteOpcode = event.op;
  const transformed = await transform(job, eventRecord(event, job.rowFormat, 'now'), context);
  if (transformed === undefined) return FILTERED;
  const view = toView(job, transformed, op);
  // The old placement only matters for an update of a row that outputs place by its content.
  let old: WriteView | undefined;
  if (
    event.op === 'u' &&
    event.before !== null &&
    view.opcode !== 'd' &&
    job.outputs.some((o) => o.movable)
  ) {
    const before = await transform(job, eventRecord(event, job.rowFormat, 'before'), context);
    if (before !== undefined) old = toView(job, before, op);
  }
  // With the row index, a delete removes what the row placed from the index. A delete's
  // `before` may hold only the key, with Debezium's defaults ('' or 0) in the other columns
  // (PostgreSQL without REPLICA IDENTITY FULL), so the removals computed from it for outputs
  // placed by content apply only where the index does not know the row (unlessIndexed), and
  // one that cannot be computed is left to the index. Streams still log the delete.
  const byIndex = context.rowIndex === true && event.op === 'd' && view.opcode === 'd';
  const ops: WriteOp[] = [];
  for (const output of job.outputs) {
    if (!byIndex || !output.movable || output.dataType === 'stream') {
      ops.push(...(await output.plan({ event, view, old }, context)));
      continue;
    }
    let planned: WriteOp[] = [];
    try {
      planned = await output.plan({ event, view, old }, context);
    } catch {
      // The key or member cannot be computed from this `before`: the index knows it.
    }
    for (const op of planned) ops.push({ ...op, unlessIndexed: true });
  }
  return { record: transformed.data, plan: { ops, outcome: OUTCOMES[view.opcode] } };
}
