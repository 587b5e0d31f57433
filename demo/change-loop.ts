// The demo's change loop: one change in the source every interval, each printed with the
// Redis key it should show up in (or vanish from) and how long that took, measured by
// polling the target until the key shows the change.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { makeChange, type Random } from './change-generator.ts';

const bold = (text: string): string => `\x1b[1m${text}\x1b[0m`;
const dim = (text: string): string => `\x1b[2m${text}\x1b[0m`;

/** How long one change may take to reach the target before the line says so. */
const SEEN_TIMEOUT_MS = 10_000;

export interface ChangeLoopOptions {
  readonly db: pg.Client;
  readonly target: Redis;
  /** How many changes to make (Infinity: until stopped). */
  readonly changes: number;
  readonly intervalMs: number;
  readonly random: Random;
  readonly print: (line: string) => void;
  /** True once the demo is stopping: the loop ends after the current change. */
  readonly stopping: () => boolean;
}

/** Runs the changes; resolves with how many were made. */
export async function runChangeLoop(opts: ChangeLoopOptions): Promise<number> {
  const { target } = opts;
  let made = 0;
  while (made < opts.changes && !opts.stopping()) {
    const before = new Map<string, string>();
    const change = await makeChange(opts.db, opts.random, async (key) => {
      before.set(key, JSON.stringify(await target.hgetall(key)));
    });
    made++;
    const madeAt = Date.now();
    let seen = '';
    if (change.key !== undefined) {
      // Poll until the key shows the change: a new value, or gone for a delete.
      while (seen === '' && Date.now() - madeAt < SEEN_TIMEOUT_MS && !opts.stopping()) {
        const now = JSON.stringify(await target.hgetall(change.key));
        if (change.deleted ? now === '{}' : now !== '{}' && now !== before.get(change.key)) {
          seen = change.deleted ? 'gone from Redis' : now;
        } else {
          await sleep(5);
        }
      }
    }
    const latency =
      seen !== ''
        ? ` ${bold(`${Date.now() - madeAt} ms`)}`
        : change.key === undefined
          ? ''
          : ` ${bold('not in Redis yet')}`;
    opts.print(`${change.description.padEnd(52)}${latency} ${dim(`${change.key ?? ''} ${seen}`)}`);
    if (made < opts.changes) await sleep(opts.intervalMs);
  }
  return made;
}
