// The assignment of change streams to processor instances: parsing `--shard`, each stream owned
// by exactly one instance, the same answer every time (pinned: a change would move streams
// between running instances), and a spread that keeps instances busy.
import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../../common/errors.ts';
import { formatShard, ownsStream, parseShard, shardOfStream, WHOLE } from './stream-shard.ts';

const names = Array.from({ length: 2_000 }, (_, i) => `data:src.public.table_${i}`);

describe('parseShard', () => {
  it('reads <instance>/<instances> and writes it back', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(parseShard(' 1/1 ')).toEqual(WHOLE);
    expect(formatShard(parseShard('64/64'))).toBe('64/64');
  });

  it.each(['0/2', '3/2', '1/0', '1/65', '1', '1/2/3', 'a/b', '-1/2', ''])(
    'refuses %j with a coded error',
    (text) => {
      let caught: unknown;
      try {
        parseShard(text);
      } catch (error) {
        caught = error;
      }
      expect(isSluiceError(caught, 'CONFIG_INVALID')).toBe(true);
      expect((caught as Error).message).toContain('--shard');
    },
  );
});

describe('shardOfStream / ownsStream', () => {
  it('gives every stream to exactly one instance, for any count', () => {
    for (const count of [1, 2, 3, 4, 7, 16]) {
      const shards = Array.from({ length: count }, (_, i) => ({ index: i + 1, count }));
      const owners = names.slice(0, 500).map((name) => {
        const owning = shards.filter((shard) => ownsStream(shard, name)).map((s) => s.index);
        return owning.length === 1 && owning[0] === shardOfStream(name, count);
      });
      expect(owners.every(Boolean)).toBe(true);
    }
  });

  it('lets a single processor own every stream', () => {
    expect(names.every((name) => ownsStream(WHOLE, name))).toBe(true);
  });

  it('depends on the stream name only (pinned values)', () => {
    // First 32 bits of SHA-256, modulo the count, plus one.
    expect(shardOfStream('data:bench.public.customers', 2)).toBe(1);
    expect(shardOfStream('data:bench.public.products', 2)).toBe(2);
    expect(shardOfStream('data:bench.public.products', 5)).toBe(5);
    expect(shardOfStream('data:pg.inventory.orders', 3)).toBe(3);
    expect(shardOfStream('data:pg.inventory.orders', 5)).toBe(2);
  });

  it('spreads many streams evenly', () => {
    for (const count of [2, 3, 4]) {
      const sizes = new Array<number>(count).fill(0);
      for (const name of names) {
        const index = shardOfStream(name, count) - 1;
        sizes[index] = (sizes[index] ?? 0) + 1;
      }
      const fair = names.length / count;
      for (const size of sizes) {
        expect(size).toBeGreaterThan(fair * 0.85);
        expect(size).toBeLessThan(fair * 1.15);
      }
    }
  });
});
