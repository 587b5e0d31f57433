// The collector's pause for backpressure, seen from the operator: whether the processor's flag
// is raised (and fresh), and since when the collector is paused. reconcile() decides when to
// pause and when to resume (after a minimum pause, so capture does not flap); this class
// keeps that state, carries the pause out and logs each transition once.

import type { Redis } from 'ioredis';
import { decodeBackpressureFlag } from '../../pipeline/records/backpressure-flag.ts';
import { BACKPRESSURE_KEY } from '../../pipeline/redis-keys.ts';
import type { Clock, Logger } from '../../processor/ports.ts';
import type { SupervisedChild } from './supervised-child.ts';

/**
 * Whether the flag hash `fields` (empty: clear) asks for a pause. Only a running processor
 * keeps the flag fresh: one left by a dead processor, or not refreshed for `staleMs`, is
 * ignored. Pure.
 */
export function backpressureAsksForPause(
  fields: Readonly<Record<string, string>>,
  processorRunning: boolean,
  now: number,
  staleMs: number,
): boolean {
  const flag = decodeBackpressureFlag(fields);
  if (flag === undefined || !processorRunning) return false;
  if (flag.updatedAt === undefined) return true;
  return now - flag.updatedAt <= staleMs;
}

export class BackpressurePause {
  readonly #rdi: Redis;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #staleMs: number;
  #pausedSince: number | undefined;
  #reason = '';

  constructor(opts: { rdi: Redis; clock: Clock; logger: Logger; staleMs: number }) {
    this.#rdi = opts.rdi;
    this.#clock = opts.clock;
    this.#logger = opts.logger;
    this.#staleMs = opts.staleMs;
  }

  /** Since when the collector is paused; undefined when it is not. */
  get pausedSince(): number | undefined {
    return this.#pausedSince;
  }

  get paused(): boolean {
    return this.#pausedSince !== undefined;
  }

  /** Reads the processor's flag from the RDI database. */
  async flagRaised(processorRunning: boolean): Promise<boolean> {
    const fields = await this.#rdi.hgetall(BACKPRESSURE_KEY);
    this.#reason = decodeBackpressureFlag(fields)?.reason ?? '';
    return backpressureAsksForPause(fields, processorRunning, this.#clock.now(), this.#staleMs);
  }

  /** Stops the collector gracefully (its offsets are flushed) and remembers the pause. */
  pause(collector: SupervisedChild): void {
    this.#pausedSince = this.#clock.now();
    this.#logger.warn('Backpressure: pausing the collector; changes wait in the source log.', {
      reason: this.#reason,
    });
    void collector.stop();
  }

  /** Forgets the pause; the caller starts the collector again. */
  resume(): void {
    const since = this.#pausedSince;
    if (since !== undefined) {
      this.#logger.info('Backpressure cleared: resuming the collector.', {
        pausedMs: this.#clock.now() - since,
      });
    }
    this.#pausedSince = undefined;
  }

  /** Forgets the pause without a word, e.g. when the leadership is lost. */
  forget(): void {
    this.#pausedSince = undefined;
  }
}
