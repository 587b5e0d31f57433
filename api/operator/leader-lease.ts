// The operators' leader lease in the RDI database: acquire, renew and release, each one Lua
// script called with the caller's `now`. The operator (leadership.ts) renews every lease/3
// and kills every child at once when renewal fails.

import type { Redis } from 'ioredis';
import { LEADER_EPOCH_KEY, LEADER_LEASE_KEY } from '../../pipeline/redis-keys.ts';
import { LuaScript } from '../../processor/script-runner.ts';

const acquireScript = LuaScript.fromFile(new URL('./acquire-lease.lua', import.meta.url));
const renewScript = LuaScript.fromFile(new URL('./renew-lease.lua', import.meta.url));
const releaseScript = LuaScript.fromFile(new URL('./release-lease.lua', import.meta.url));

export type AcquireResult =
  | { readonly leader: true; readonly epoch: number; readonly expiresAt: number }
  | { readonly leader: false; readonly holder: string; readonly expiresAt: number };

export class LeaderLease {
  readonly #rdi: Redis;
  readonly #holder: string;
  readonly #durationMs: number;

  constructor(rdi: Redis, holder: string, durationMs: number) {
    this.#rdi = rdi;
    this.#holder = holder;
    this.#durationMs = durationMs;
  }

  async acquire(now: number): Promise<AcquireResult> {
    const [held, value, expiresAt] = (await acquireScript.run(
      this.#rdi,
      [LEADER_LEASE_KEY, LEADER_EPOCH_KEY],
      [this.#holder, now, this.#durationMs],
    )) as [number, number | string, number];
    return held === 1
      ? { leader: true, epoch: Number(value), expiresAt }
      : { leader: false, holder: String(value), expiresAt };
  }

  /** The new expiry, or undefined when the term is lost. */
  async renew(epoch: number, now: number): Promise<number | undefined> {
    const expiresAt = Number(
      await renewScript.run(
        this.#rdi,
        [LEADER_LEASE_KEY],
        [this.#holder, epoch, now, this.#durationMs],
      ),
    );
    return expiresAt === 0 ? undefined : expiresAt;
  }

  /** True when this term was released; false when it was no longer held. */
  async release(epoch: number): Promise<boolean> {
    return (
      Number(await releaseScript.run(this.#rdi, [LEADER_LEASE_KEY], [this.#holder, epoch])) === 1
    );
  }
}
