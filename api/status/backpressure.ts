// Reads the processor's backpressure flag: a hash {reason, since} while raised (a plain
// string holding the reason is accepted too), absent when clear.

import type { Redis } from 'ioredis';
import { decodeBackpressureFlag } from '../../pipeline/records/backpressure-flag.ts';
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
  const flag = decodeBackpressureFlag(await rdi.hgetall(BACKPRESSURE_KEY));
  if (flag === undefined) return { active: false };
  return {
    active: true,
    ...(flag.reason === '' ? {} : { reason: flag.reason }),
    ...(flag.since === undefined ? {} : { since: flag.since }),
  };
}
