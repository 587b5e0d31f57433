// Writes what the leader observes into `sluice:pipeline:<name>:status` (read by the api, the
// CLI and the exporter): phase, components, errors, snapshot progress, and the operator's own
// fields (holder, epoch, collector metrics URL, last reset generation carried out).

import type { Redis } from 'ioredis';
import { pipelineStatusKey } from '../../pipeline/redis-keys.ts';
import type { PipelinePhase } from './pipeline-phase.ts';
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

export async function writeStatus(
  rdi: Redis,
  pipeline: string,
  report: StatusReport,
): Promise<void> {
  const key = pipelineStatusKey(pipeline);
  const multi = rdi.multi().hset(key, {
    phase: report.phase,
    components: JSON.stringify(report.components),
    errors: JSON.stringify(report.errors),
    operator: report.operator,
    epoch: report.epoch,
    updated_at: report.now,
  });
  if (report.snapshot === undefined) multi.hdel(key, 'snapshot');
  else multi.hset(key, 'snapshot', JSON.stringify(report.snapshot));
  if (report.metricsUrl === undefined) multi.hdel(key, 'metrics_url');
  else multi.hset(key, 'metrics_url', report.metricsUrl);
  await multi.exec();
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
