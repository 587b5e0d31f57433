// Runs captured stream entries through a pipeline's jobs with the dry-run function (or RDI's
// default job for tables without one): per entry its input, the transformed record and the
// Redis commands the processor would send. Writes nothing.

import { isSluiceError } from '../../common/errors.ts';
import type { ChangeEvent } from '../../processor/core/change-event.ts';
import { decodeEnvelope } from '../../processor/core/decode-envelope.ts';
import { defaultJobFor } from '../../processor/core/default-job.ts';
import type { CompiledJob } from '../../processor/jobs/compile-job.ts';
import { dryRun } from '../../processor/core/jobs/dry-run.ts';
import { redisCommands } from '../../processor/core/jobs/redis-commands.ts';
import { selectJob, serverNameOf } from '../../processor/core/jobs/select-job.ts';
import type { TypeRendering } from '../../processor/core/type-rendering.ts';
import { jsonSafe } from '../jobs/json-safe.ts';
import { recordView, type RecordView } from '../jobs/dry-run-view.ts';
import type { CapturedEntry } from './capture-entries.ts';

export interface TracedEntry extends Omit<RecordView, 'input'> {
  readonly stream: string;
  readonly id: string;
  /** The job that handled the entry; `default` for RDI's built-in default job. */
  readonly job: string;
  /** The decoded change event; absent when the entry could not be decoded. */
  readonly event?: unknown;
}

export interface TraceSettings {
  readonly jobs: readonly CompiledJob[];
  readonly defaultDataType: 'hash' | 'json';
  /** processors.type_rendering; default `sluice`. */
  readonly typeRendering?: TypeRendering;
  readonly now: number;
}

export async function traceEntries(
  entries: readonly CapturedEntry[],
  settings: TraceSettings,
): Promise<TracedEntry[]> {
  const traced: TracedEntry[] = [];
  for (const entry of entries) traced.push(await traceEntry(entry, settings));
  return traced;
}

async function traceEntry(entry: CapturedEntry, settings: TraceSettings): Promise<TracedEntry> {
  const at = { stream: entry.stream, id: entry.id };
  let event: ChangeEvent;
  try {
    if (entry.value === undefined) throw new Error('the entry has no value field');
    event = decodeEnvelope(entry.key, entry.value, settings.typeRendering ?? 'sluice');
  } catch (error) {
    const code = isSluiceError(error) ? error.code : 'ENVELOPE_INVALID';
    const message = error instanceof Error ? error.message : String(error);
    return { ...at, job: '-', outcome: 'rejected', commands: [], error: { code, message } };
  }
  const view = { ...at, event: jsonSafe(event) };
  const job = selectJob(event, serverNameOf(entry.stream), settings.jobs);
  if (job === undefined) return { ...view, job: 'default', ...defaultJobView(event, settings) };
  const result = await dryRun(job, [event], {
    now: settings.now,
    typeRendering: settings.typeRendering ?? 'sluice',
  });
  const detail = result.details[0];
  if (detail === undefined) throw new Error('a dry run returns one detail per input');
  const { outcome, record, commands, error } = recordView(detail);
  return {
    ...view,
    job: job.name,
    outcome,
    ...(record === undefined ? {} : { record }),
    commands,
    ...(error === undefined ? {} : { error }),
  };
}

/** What RDI's built-in default job does with the event; a bad event is rejected. */
function defaultJobView(event: ChangeEvent, settings: TraceSettings): Omit<RecordView, 'input'> {
  try {
    const plan = defaultJobFor(settings.defaultDataType, settings.typeRendering ?? 'sluice')(event);
    return {
      outcome: plan.outcome,
      ...(event.after === null ? {} : { record: jsonSafe(event.after) }),
      commands: plan.ops.flatMap((op) => redisCommands(op)),
    };
  } catch (error) {
    if (!isSluiceError(error) || error.retryable) throw error;
    return {
      outcome: 'rejected',
      commands: [],
      error: { code: error.code, message: error.message },
    };
  }
}
