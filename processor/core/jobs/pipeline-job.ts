// The processor's job function for a whole pipeline: selects the event's job and runs it, or
// falls back to RDI's default job. Events without a job of their own stay synchronous (and
// fast); a job returns a promise only when an expression or a lookup had to wait, which
// processEntriesAsync awaits.

import type { ChangeEvent } from '../change-event.ts';
import { defaultJobFor } from '../default-job.ts';
import type { IndexedTable, OnTruncate } from '../row-index.ts';
import { withRowIndex } from '../row-index.ts';
import { withSnapshotSweep } from '../snapshot-sweep.ts';
import type { TypeRendering } from '../type-rendering.ts';
import type { EventPlan } from '../write-plan.ts';
import type { CompiledJob } from '../../jobs/compile-job.ts';
import type { EvaluationContext } from './expression.ts';
import { andThen } from './maybe-async.ts';
import { runJob } from './run-job.ts';
import { selectJob, serverNameOf } from './select-job.ts';
import type { LookupPort } from './step.ts';
import { noLookups } from './step.ts';

/**
 * Called with the event and the name of the stream it came from. `typeRendering` tells
 * processEntries how to decode the events it is given (see JobDecoding).
 */
export type PipelineJob = ((
  event: ChangeEvent,
  stream: string,
) => EventPlan | Promise<EventPlan>) & {
  readonly typeRendering: TypeRendering;
  /** Some job reads the target while it plans (redis.lookup): see JobTargetReads. */
  readonly readsTarget: boolean;
};

export interface PipelineJobPorts {
  /** Current time (ms since the epoch) for $now(), time_delta_*(); read once per event. */
  readonly now: () => number;
  readonly uuid: () => string;
  readonly lookup?: LookupPort;
  /** processors.target_data_type, for tables without a job. */
  readonly defaultDataType?: 'hash' | 'json';
  /** processors.type_rendering (default `sluice`): decoding, hash fields and keys. */
  readonly typeRendering?: TypeRendering;
  /** processors.on_truncate (default `ignore`); `delete` also indexes every table's rows. */
  readonly onTruncate?: OnTruncate;
}

/** Whether (and where) a job's rows are indexed: see processor/core/row-index.ts. */
export function indexedTable(job: CompiledJob | undefined, onTruncate: OnTruncate): IndexedTable {
  if (job === undefined)
    return { indexed: onTruncate === 'delete', connections: ['target'], onTruncate };
  const connections = [...new Set(job.outputs.map((output) => output.connection))];
  const indexed = onTruncate === 'delete' || job.outputs.some((output) => output.movable);
  return { indexed, connections, onTruncate };
}

export function createPipelineJob(
  jobs: readonly CompiledJob[],
  ports: PipelineJobPorts,
): PipelineJob {
  const rendering = ports.typeRendering ?? 'sluice';
  const fallback = defaultJobFor(ports.defaultDataType ?? 'hash', rendering);
  const lookup = ports.lookup ?? noLookups;
  const onTruncate = ports.onTruncate ?? 'ignore';
  const tables = new Map(jobs.map((job) => [job, indexedTable(job, onTruncate)]));
  const defaultTable = indexedTable(undefined, onTruncate);
  const job = (event: ChangeEvent, stream: string): EventPlan | Promise<EventPlan> => {
    const own = selectJob(event, serverNameOf(stream), jobs);
    if (own === undefined) {
      const plan = fallback(event);
      const indexed = defaultTable.indexed ? withRowIndex(plan, event, stream, defaultTable) : plan;
      return event.op === 'r' ? withSnapshotSweep(indexed, event, stream, defaultTable) : indexed;
    }
    const table = tables.get(own) ?? defaultTable;
    const evaluation: EvaluationContext = { now: ports.now(), uuid: ports.uuid };
    const context = { evaluation, limits: own.limits, lookup, rendering, rowIndex: table.indexed };
    return andThen(runJob(own, event, context), (run) => {
      const plan =
        table.indexed || event.op === 't' ? withRowIndex(run.plan, event, stream, table) : run.plan;
      return event.op === 'r' ? withSnapshotSweep(plan, event, stream, table) : plan;
    });
  };
  return Object.assign(job, {
    typeRendering: rendering,
    readsTarget: jobs.some((own) => own.readsTarget),
  });
}
