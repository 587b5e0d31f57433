// Start-up check of the RDI database: without maxmemory and a non-evicting policy, Redis
// could silently drop change entries under memory pressure, so the processor refuses to run.

import type { Redis } from 'ioredis';
import { SluiceError } from '../common/errors.ts';

export async function checkRdiDatabase(rdi: Redis): Promise<void> {
  const [, maxmemory] = (await rdi.config('GET', 'maxmemory')) as [string, string];
  const [, policy] = (await rdi.config('GET', 'maxmemory-policy')) as [string, string];
  if (maxmemory === '0') {
    throw new SluiceError(
      'RDI_DB_MISCONFIGURED',
      'The RDI database has no memory limit (maxmemory 0).',
      {
        hint: "Set one, e.g. 'CONFIG SET maxmemory 1gb' and 'maxmemory 1gb' in redis.conf, so Debezium's sink can hold back capture before Redis runs out of memory.",
      },
    );
  }
  if (policy !== 'noeviction') {
    throw new SluiceError(
      'RDI_DB_MISCONFIGURED',
      `The RDI database evicts keys (maxmemory-policy ${policy}).`,
      {
        hint: "Evicting would drop change entries: run 'CONFIG SET maxmemory-policy noeviction' and set it in redis.conf.",
      },
    );
  }
}
