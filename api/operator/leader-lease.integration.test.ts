// The leader lease scripts against a real Redis, with explicit times: one leader at a time,
// a new epoch per term, renewal refused after expiry or takeover, release by the holder only.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedis } from '../../harness/redis.ts';
import { useTestContext } from '../../harness/test-context.ts';
import { LEADER_LEASE_KEY } from '../../pipeline/redis-keys.ts';
import { LeaderLease } from './leader-lease.ts';

const ctx = useTestContext();
let rdi: Redis;
const TTL = 10_000;

beforeAll(async () => {
  const server = await startRedis({
    dir: `${ctx.dir}/rdi`,
    registry: ctx.registry,
    maxmemory: '32mb',
  });
  rdi = new Redis(server.url);
});
afterAll(async () => {
  await rdi.quit();
});
beforeEach(async () => {
  await rdi.flushall();
});

describe('LeaderLease', () => {
  it('gives the lease to one operator at a time, with a new epoch per term', async () => {
    const a = new LeaderLease(rdi, 'a', TTL);
    const b = new LeaderLease(rdi, 'b', TTL);
    expect(await a.acquire(1_000)).toEqual({ leader: true, epoch: 1, expiresAt: 11_000 });
    expect(await b.acquire(2_000)).toEqual({ leader: false, holder: 'a', expiresAt: 11_000 });
    // The holder re-acquiring extends its own term.
    expect(await a.acquire(5_000)).toEqual({ leader: true, epoch: 1, expiresAt: 15_000 });
    expect(await a.renew(1, 9_000)).toBe(19_000);
    // Past the expiry, the standby takes over with a higher epoch.
    expect(await b.acquire(19_000)).toEqual({ leader: true, epoch: 2, expiresAt: 29_000 });
    expect(await a.renew(1, 19_001)).toBeUndefined();
    expect(await a.acquire(20_000)).toMatchObject({ leader: false, holder: 'b' });
  });

  it('refuses renewal after expiry even if nobody took over; re-acquiring starts a new term', async () => {
    const a = new LeaderLease(rdi, 'a', TTL);
    await a.acquire(0);
    expect(await a.renew(1, 10_000)).toBeUndefined();
    expect(await a.acquire(10_000)).toEqual({ leader: true, epoch: 2, expiresAt: 20_000 });
    expect(await a.renew(1, 11_000)).toBeUndefined();
    expect(await a.renew(2, 11_000)).toBe(21_000);
  });

  it('releases only the holder’s own term, so a standby takes over at once', async () => {
    const a = new LeaderLease(rdi, 'a', TTL);
    const b = new LeaderLease(rdi, 'b', TTL);
    await a.acquire(0);
    expect(await b.release(1)).toBe(false);
    expect(await a.release(2)).toBe(false);
    expect(await a.release(1)).toBe(true);
    expect(await rdi.exists(LEADER_LEASE_KEY)).toBe(0);
    expect(await b.acquire(1)).toEqual({ leader: true, epoch: 2, expiresAt: 10_001 });
  });
});
