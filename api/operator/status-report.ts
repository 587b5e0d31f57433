// Writes what the leader observes into `sluice:pipeline:<name>:status` (read by the api, the
// CLI and the exporter): phase, components, errors, the snapshot's record, and the operator's
// own fields (holder, epoch, collector metrics URL, last reset generation carried out). The
// phase stays `initial_sync` until every snapshot entry is applied (snapshot-sync.ts).

import type { Redis } from 'ioredis';
import { pipelineStatusKey } from '../../pipeline/redis-keys.ts';
import type { PipelinePhase } from './pipeline-phase.ts';
import { awaitsSync, syncSnapshot, type SnapshotRecord, type SyncMarks } from './snapshot-sync.ts';
import { streamPositions } from './stream-positions.ts';
import type { ComponentReport } from './supervised-child.ts';

export interface StatusError {
  readonly code: string;
  readonly message: string;
  readonly remediation?: string;
}

export interface StatusReport {
  readonly phase: PipelinePhase;
  readonly components: readonly ComponentReport[];
  readonly errors: readonly StatusError[];
  readonly snapshot: Readonly<Record<string, number | boolean>> | undefined;
  readonly operator: string;
  readonly epoch: number;
  readonly metricsUrl: string | undefined;
  readonly now: number;
}

/** Field of the status hash with the last reset generation the operator carried out. */
export const RESET_DONE_FIELD = 'reset_generation_done';

/** Fields of the status hash with the snapshot's record and its marks (internal). */
const SNAPSHOT_FIELD = 'snapshot';
const MARKS_FIELD = 'snapshot_marks';

export async function writeStatus(
  rdi: Redis,
  pipeline: string,
  report: StatusReport,
): Promise<void> {
  const key = pipelineStatusKey(pipeline);
  const [recordText, marksText] = await rdi.hmget(key, SNAPSHOT_FIELD, MARKS_FIELD);
  const record = parsedRecord(recordText);
  const outcome = syncSnapshot({
    reported: report.phase,
    progress: report.snapshot,
    record,
    marks: parsedMarks(marksText),
    positions: awaitsSync(report.phase, record) ? await streamPositions(rdi, pipeline) : [],
    now: report.now,
  });
  const multi = rdi.multi().hset(key, {
    phase: outcome.phase,
    components: JSON.stringify(report.components),
    errors: JSON.stringify(report.errors),
    operator: report.operator,
    epoch: report.epoch,
    updated_at: report.now,
  });
  if (outcome.record === undefined) multi.hdel(key, SNAPSHOT_FIELD);
  else multi.hset(key, SNAPSHOT_FIELD, JSON.stringify(outcome.record));
  if (outcome.marks === undefined) multi.hdel(key, MARKS_FIELD);
  else multi.hset(key, MARKS_FIELD, JSON.stringify(outcome.marks));
  if (report.metricsUrl === undefined) multi.hdel(key, 'metrics_url');
  else multi.hset(key, 'metrics_url', report.metricsUrl);
  await multi.exec();
}

/** The stored record; one written before records existed (`{completed}` only) still reads. */
function parsedRecord(text: string | null | undefined): SnapshotRecord | undefined {
  const value = parsedJson(text);
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Partial<SnapshotRecord>;
  if (typeof record.completed !== 'boolean') return undefined;
  return { ...record, completed: record.completed, captured: record.captured ?? record.completed };
}

function parsedMarks(text: string | null | undefined): SyncMarks | undefined {
  const value = parsedJson(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  if (!entries.every(([, id]) => typeof id === 'string')) return undefined;
  return Object.fromEntries(entries) as SyncMarks;
}

function parsedJson(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function readResetDone(rdi: Redis, pipeline: string): Promise<number> {
  return Number((await rdi.hget(pipelineStatusKey(pipeline), RESET_DONE_FIELD)) ?? 0);
}

export async function recordResetDone(
  rdi: Redis,
  pipeline: string,
  generation: number,
): Promise<void> {
  await rdi.hset(pipelineStatusKey(pipeline), RESET_DONE_FIELD, generation);
}
