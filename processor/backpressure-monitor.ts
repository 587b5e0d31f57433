// Measures backlog and RDI-database memory at most once per interval, evaluates the
// backpressure flag and publishes it (hash present = raised, absent = clear) for the
// operator, the api and the exporter. Logs each transition once.

import type { Redis } from 'ioredis';
import { encodeBackpressureFlag } from '../pipeline/records/backpressure-flag.ts';
import { BACKPRESSURE_KEY } from '../pipeline/redis-keys.ts';
import type { BackpressureState, BackpressureThresholds } from './core/backpressure.ts';
import { CLEAR, evaluateBackpressure } from './core/backpressure.ts';
import type { Clock, Logger } from './ports.ts';

function infoField(info: string, name: string): number {
  const match = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}

export class BackpressureMonitor {
  #state: BackpressureState = CLEAR;
  #since = 0;
  #nextCheck = 0;
  readonly #rdi: Redis;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #thresholds: BackpressureThresholds;
  readonly #intervalMs: number;

  constructor(deps: {
    rdi: Redis;
    clock: Clock;
    logger: Logger;
    thresholds: BackpressureThresholds;
    intervalMs: number;
  }) {
    this.#rdi = deps.rdi;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.#thresholds = deps.thresholds;
    this.#intervalMs = deps.intervalMs;
  }

  get state(): BackpressureState {
    return this.#state;
  }

  /** Re-evaluates when the interval has passed (or `force`); errors are the caller's. */
  async check(streams: readonly string[], targetDown: boolean, force = false): Promise<void> {
    const now = this.#clock.now();
    if (!force && now < this.#nextCheck) return;
    this.#nextCheck = now + this.#intervalMs;
    const pipeline = this.#rdi.pipeline();
    for (const stream of streams) pipeline.xlen(stream);
    pipeline.info('memory');
    const replies = (await pipeline.exec()) ?? [];
    const lastReply = replies[replies.length - 1]?.[1];
    const info = typeof lastReply === 'string' ? lastReply : '';
    // Each stream keeps its last acknowledged entry as a progress marker: not backlog.
    const backlog = replies
      .slice(0, streams.length)
      .reduce((sum, [, length]) => sum + Math.max(0, Number(length) - 1), 0);
    const reading = {
      backlog,
      usedMemory: infoField(info, 'used_memory'),
      maxMemory: infoField(info, 'maxmemory'),
      targetDown,
    };
    const next = evaluateBackpressure(this.#state, reading, this.#thresholds);
    if (next.raised && !this.#state.raised) {
      this.#since = now;
      this.#logger.warn('Backpressure raised: asking for capture to pause.', {
        reasons: next.reasons,
      });
    } else if (!next.raised && this.#state.raised) {
      this.#logger.info('Backpressure cleared.', { afterMs: now - this.#since });
    }
    this.#state = next;
    if (next.raised) {
      await this.#rdi.hset(
        BACKPRESSURE_KEY,
        encodeBackpressureFlag({
          reason: next.reasons.join('; '),
          since: this.#since,
          backlog: reading.backlog,
          usedMemory: reading.usedMemory,
          maxMemory: reading.maxMemory,
          targetDown,
          updatedAt: now,
        }),
      );
    } else {
      await this.#rdi.del(BACKPRESSURE_KEY);
    }
  }
}
