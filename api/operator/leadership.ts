// Keeps this operator's leadership: acquires the lease while standing by and renews it while
// leading, every lease/3, on its own timer so that slow reconcile work never delays renewal.
// A refused renewal, or failed renewals up to a third of the lease before expiry, end the
// term at once through `onLost` (the operator then kills every child).

import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock, Logger } from '../../processor/ports.ts';
import type { LeaderLease } from './leader-lease.ts';

export interface Term {
  readonly epoch: number;
  readonly expiresAt: number;
}

/** idle → running → stopped; `term` is defined only while this operator leads. */
export type LeadershipState = 'idle' | 'running' | 'stopped';

export class Leadership {
  readonly #lease: LeaderLease;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #leaseMs: number;
  readonly #onGained: (term: Term) => void;
  readonly #onLost: (reason: string) => void;
  readonly #abort = new AbortController();
  #state: LeadershipState = 'idle';
  #term: Term | undefined;
  #loop: Promise<void> | undefined;

  constructor(opts: {
    lease: LeaderLease;
    clock: Clock;
    logger: Logger;
    leaseMs: number;
    onGained: (term: Term) => void;
    onLost: (reason: string) => void;
  }) {
    this.#lease = opts.lease;
    this.#clock = opts.clock;
    this.#logger = opts.logger;
    this.#leaseMs = opts.leaseMs;
    this.#onGained = opts.onGained;
    this.#onLost = opts.onLost;
  }

  get state(): LeadershipState {
    return this.#state;
  }

  /** The current term, or undefined when standing by (or past the term's safe end). */
  get term(): Term | undefined {
    const term = this.#term;
    if (term === undefined) return undefined;
    // A process paused past its lease must not act on it before the renewal says so.
    return this.#clock.now() < term.expiresAt ? term : undefined;
  }

  get renewIntervalMs(): number {
    return Math.max(1, Math.floor(this.#leaseMs / 3));
  }

  /** Starts acquiring and renewing; idempotent. */
  start(): void {
    if (this.#state !== 'idle') return;
    this.#state = 'running';
    this.#loop = this.#run();
  }

  /** Stops the loop and releases the lease if held, so a standby takes over at once. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    this.#abort.abort();
    await this.#loop;
    const term = this.#term;
    this.#term = undefined;
    if (term !== undefined) {
      const released = await this.#lease.release(term.epoch);
      this.#logger.info(released ? 'Released the lease.' : 'The lease was no longer ours.', {
        epoch: term.epoch,
      });
    }
  }

  async #run(): Promise<void> {
    while (this.#state === 'running') {
      try {
        await this.#step();
      } catch (error) {
        this.#logger.warn('Lease request failed.', { error: String(error) });
        const term = this.#term;
        if (term !== undefined && this.#clock.now() >= term.expiresAt - this.renewIntervalMs) {
          this.#lose('the lease could not be renewed before its end');
        }
      }
      await sleep(this.renewIntervalMs, undefined, { signal: this.#abort.signal }).catch(
        () => undefined,
      );
    }
  }

  async #step(): Promise<void> {
    const now = this.#clock.now();
    const term = this.#term;
    if (term !== undefined) {
      const expiresAt = await this.#lease.renew(term.epoch, now);
      if (expiresAt === undefined) this.#lose('the lease renewal was refused');
      else this.#term = { epoch: term.epoch, expiresAt };
      return;
    }
    const result = await this.#lease.acquire(now);
    if (!result.leader || this.#state !== 'running') return;
    this.#term = { epoch: result.epoch, expiresAt: result.expiresAt };
    this.#logger.info('Became the leader.', { epoch: result.epoch });
    this.#onGained(this.#term);
  }

  #lose(reason: string): void {
    const term = this.#term;
    this.#term = undefined;
    this.#logger.warn('Lost the leadership.', { reason, epoch: term?.epoch });
    this.#onLost(reason);
  }
}
