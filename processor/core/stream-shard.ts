// Which change streams one processor instance owns when several run side by side
// (`processors.instances`, `--shard <i>/<n>`). A stream belongs to exactly one instance, chosen by
// a stable hash of its name: every instance decides alone, from the stream name only, so two
// instances never read one stream, whatever order they discover streams in. Pure.

import { createHash } from 'node:crypto';
import { SluiceError } from '../../common/errors.ts';

/** Instance `index` (1-based) of `count`. */
export interface StreamShard {
  readonly index: number;
  readonly count: number;
}

/** The only shard of a single processor: it owns every stream. */
export const WHOLE: StreamShard = Object.freeze({ index: 1, count: 1 });

/** Most instances a pipeline may run (one stream per instance is the useful limit anyway). */
export const MAX_INSTANCES = 64;

/** Parses `--shard i/n` (1 ≤ i ≤ n ≤ MAX_INSTANCES). */
export function parseShard(text: string): StreamShard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || count > MAX_INSTANCES || index < 1 || index > count) {
    throw new SluiceError(
      'CONFIG_INVALID',
      `--shard must be <instance>/<instances> with 1 ≤ instance ≤ instances ≤ ${MAX_INSTANCES} (e.g. 1/2), not '${text}'.`,
    );
  }
  return Object.freeze({ index, count });
}

export function formatShard(shard: StreamShard): string {
  return `${shard.index}/${shard.count}`;
}

/**
 * The first 32 bits of the name's SHA-256: fixed by its definition, so the assignment is the same
 * in every Node version and process (a change here would move streams between instances). Not
 * FNV-1a: its low bits barely mix (modulo 2 it is the parity of the odd bytes), and the modulo of
 * a small count keeps exactly those bits.
 */
function stableHash(text: string): number {
  return createHash('sha256').update(text, 'utf8').digest().readUInt32BE(0);
}

/** The instance (1-based) of `count` that owns `stream`. */
export function shardOfStream(stream: string, count: number): number {
  return (stableHash(stream) % count) + 1;
}

export function ownsStream(shard: StreamShard, stream: string): boolean {
  return shard.count === 1 || shardOfStream(stream, shard.count) === shard.index;
}
