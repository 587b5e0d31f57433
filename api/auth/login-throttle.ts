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

const reserveScript = LuaScript.fromFile(new URL('./reserve-login-attempt.lua', import.meta.url));
const releaseScript = LuaScript.fromFile(new URL('./release-login-attempt.lua', import.meta.url));

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

/**
 * An attempt is counted as a failure before its password is checked (check and count are one
 * Lua step), so parallel attempts can never check more passwords than the limit; a success or
 * an attempt that could not be checked is taken back afterwards.
 */
export interface LoginThrottle {
  /** Counts one attempt; throws LOGIN_THROTTLED (nothing counted) when over a limit. */
  reserve(username: string, address: string): Promise<void>;
  /** The password was right: the pair's count is cleared and this attempt taken back. */
  recordSuccess(username: string, address: string): Promise<void>;
  /** The password could not be checked (RDI database unavailable): the attempt is taken back. */
  release(username: string, address: string): Promise<void>;
}

/** Keys hold a digest, not the user name: the RDI database's key space shows no login names. */
function counterKeys(username: string, address: string): [string, string] {
  const digest = (text: string): string =>
    createHash('sha256').update(text).digest('hex').slice(0, 32);
  return [
    loginFailuresKey(`pair:${digest(`${username}\u0000${address}`)}`),
    loginFailuresKey(`addr:${digest(address)}`),
  ];
}

export function createLoginThrottle(
  rdi: Redis,
  clock: Clock,
  settings: LoginThrottleSettings = DEFAULT_LOGIN_THROTTLE,
): LoginThrottle {
  return {
    async reserve(username, address) {
      const now = clock.now();
      const reply = (await reserveScript.run(rdi, counterKeys(username, address), [
        now,
        settings.windowMs,
        settings.maxPerUserAndAddress,
        settings.maxPerAddress,
      ])) as [number, number];
      if (reply[0] === 1) return;
      const seconds = Math.max(1, Math.ceil((reply[1] - now) / 1000));
      throw new SluiceError(
        'LOGIN_THROTTLED',
        `Too many failed logins from this address; try again in ${String(seconds)} s.`,
        { retryAfterSeconds: seconds },
      );
    },
    async recordSuccess(username, address) {
      await releaseScript.run(rdi, counterKeys(username, address), ['success']);
    },
    async release(username, address) {
      await releaseScript.run(rdi, counterKeys(username, address), ['error']);
    },
  };
}
