// Reads the processor's backpressure flag: a hash {reason, since} while raised (a plain
// string holding the reason is accepted too), absent when clear.

import type { Redis } from 'ioredis';
import { BACKPRESSURE_KEY } from '../../pipeline/redis-keys.ts';

export interface Backpressure {
  readonly active: boolean;
  readonly reason?: string;
  readonly since?: number;
}

export async function readBackpressure(rdi: Redis): Promise<Backpressure> {
  const type = await rdi.type(BACKPRESSURE_KEY);
  if (type === 'string') {
    const reason = await rdi.get(BACKPRESSURE_KEY);
    return reason === null ? { active: false } : { active: true, reason };
  }
  if (type !== 'hash') return { active: false };
  const fields = await rdi.hgetall(BACKPRESSURE_KEY);
  return {
    active: true,
    ...(fields.reason === undefined ? {} : { reason: fields.reason }),
    ...(fields.since === undefined ? {} : { since: Number(fields.since) }),
  };
}
