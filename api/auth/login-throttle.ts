// Slows down password guessing at POST /login. Failed logins are counted in the RDI database
// (so every api instance sees the same counts) in fixed windows, per (user name, client
// address) and per client address. A pair or an address over its limit gets LOGIN_THROTTLED
// (429 with Retry-After) without its password being checked. There is deliberately no limit
// per user name alone: anyone could then lock a real user out from anywhere.

import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { SluiceError } from '../../common/errors.ts';
import { loginFailuresKey } from '../../pipeline/redis-keys.ts';
import { LuaScript } from '../../processor/script-runner.ts';
import type { Clock } from '../../processor/ports.ts';

const countScript = LuaScript.fromFile(new URL('./count-login-failure.lua', import.meta.url));

export interface LoginThrottleSettings {
  /** Failed logins allowed per (user name, address) and window. */
  readonly maxPerUserAndAddress: number;
  /** Failed logins allowed per address (any user names) and window. */
  readonly maxPerAddress: number;
  readonly windowMs: number;
}

const DEFAULT_LOGIN_THROTTLE: LoginThrottleSettings = {
  maxPerUserAndAddress: 5,
  maxPerAddress: 30,
  windowMs: 5 * 60_000,
};

export interface LoginThrottle {
  /** Throws LOGIN_THROTTLED when this user name or address has failed too often. */
  check(username: string, address: string): Promise<void>;
  recordFailure(username: string, address: string): Promise<void>;
  /** A successful login clears the (user name, address) count. */
  recordSuccess(username: string, address: string): Promise<void>;
}

/** Keys hold a digest, not the user name: the RDI database's key space shows no login names. */
function counterKeys(username: string, address: string): { pair: string; address: string } {
  const digest = (text: string): string =>
    createHash('sha256').update(text).digest('hex').slice(0, 32);
  return {
    pair: loginFailuresKey(`pair:${digest(`${username}\u0000${address}`)}`),
    address: loginFailuresKey(`addr:${digest(address)}`),
  };
}

export function createLoginThrottle(
  rdi: Redis,
  clock: Clock,
  settings: LoginThrottleSettings = DEFAULT_LOGIN_THROTTLE,
): LoginThrottle {
  const limits = (keys: { pair: string; address: string }): [string, number][] => [
    [keys.pair, settings.maxPerUserAndAddress],
    [keys.address, settings.maxPerAddress],
  ];
  return {
    async check(username, address) {
      const now = clock.now();
      let retryAt = 0;
      for (const [key, limit] of limits(counterKeys(username, address))) {
        const [count, resetAt] = (await rdi.hmget(key, 'count', 'reset_at')).map(Number);
        if (resetAt !== undefined && resetAt > now && (count ?? 0) >= limit) {
          retryAt = Math.max(retryAt, resetAt);
        }
      }
      if (retryAt > 0) {
        const seconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
        throw new SluiceError(
          'LOGIN_THROTTLED',
          `Too many failed logins from this address; try again in ${String(seconds)} s.`,
          { retryAfterSeconds: seconds },
        );
      }
    },
    async recordFailure(username, address) {
      const keys = counterKeys(username, address);
      const now = clock.now();
      for (const key of [keys.pair, keys.address]) {
        await countScript.run(rdi, [key], [now, settings.windowMs]);
      }
    },
    async recordSuccess(username, address) {
      await rdi.del(counterKeys(username, address).pair);
    },
  };
}
