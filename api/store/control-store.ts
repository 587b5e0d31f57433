// The state a user asks for (start, stop, reset), recorded for the operator to act on. The
// api never touches processes; the operator reconciles toward this hash.

import type { Redis } from 'ioredis';
import { pipelineControlKey } from '../../pipeline/redis-keys.ts';

/** Field of the control hash: `true` when the pending reset also deletes the target keys. */
const RESET_TARGET_KEYS_FIELD = 'reset_target_keys';

export type DesiredState = 'started' | 'stopped';

export interface PipelineControl {
  readonly desired: DesiredState;
  /** Incremented by each reset request; the operator resets when it sees a new value. */
  readonly resetGeneration: number;
  /** Whether the latest reset request also deletes the tables' target keys. */
  readonly resetTargetKeys: boolean;
  readonly updatedAt: number | undefined;
  readonly updatedBy: string | undefined;
}

export async function readControl(rdi: Redis, name: string): Promise<PipelineControl> {
  const fields = await rdi.hgetall(pipelineControlKey(name));
  return {
    desired: fields.desired === 'started' ? 'started' : 'stopped',
    resetGeneration: Number(fields.reset_generation ?? 0),
    resetTargetKeys: fields[RESET_TARGET_KEYS_FIELD] === 'true',
    updatedAt: fields.updated_at === undefined ? undefined : Number(fields.updated_at),
    updatedBy: fields.updated_by,
  };
}

export async function setDesiredState(
  rdi: Redis,
  name: string,
  desired: DesiredState,
  by: string,
  now: number,
): Promise<PipelineControl> {
  await rdi.hset(pipelineControlKey(name), { desired, updated_at: now, updated_by: by });
  return readControl(rdi, name);
}

/**
 * Records a reset request; the pipeline is started again afterwards (a reset re-snapshots).
 * Whether this reset also deletes the tables' target keys is written with the same step, so
 * each request carries its own choice.
 */
export async function requestReset(
  rdi: Redis,
  name: string,
  by: string,
  now: number,
  dropTargetKeys = false,
): Promise<PipelineControl> {
  const key = pipelineControlKey(name);
  await rdi
    .multi()
    .hincrby(key, 'reset_generation', 1)
    .hset(key, {
      desired: 'started',
      [RESET_TARGET_KEYS_FIELD]: String(dropTargetKeys),
      updated_at: now,
      updated_by: by,
    })
    .exec();
  return readControl(rdi, name);
}
