// The pure parts of the end-to-end benchmarks: overriding rendered settings, percentiles, and
// the id ranges of the load generator's sessions.
import { describe, expect, it } from 'vitest';
import { differences, percentiles } from './change-timing.ts';
import { IdCursor } from './load-generator.ts';
import { withProcessorSettings, withProperties } from './stack.ts';

describe('withProperties', () => {
  it('replaces a property and appends a new one, keeping the others', () => {
    const text = 'a.b=1\ndebezium.sink.redis.batch.size=500\nc=3\n';
    const out = withProperties(text, { 'debezium.sink.redis.batch.size': '2000', 'x.y': 'z' });
    expect(out).toBe('a.b=1\nc=3\ndebezium.sink.redis.batch.size=2000\nx.y=z\n');
  });

  it('does not take a longer name for the overridden one', () => {
    expect(withProperties('a.bc=1\n', { 'a.b': '2' })).toBe('a.bc=1\na.b=2\n');
  });
});

describe('withProcessorSettings', () => {
  const config =
    'sources:\n  s:\n    type: cdc\nprocessors:\n  read_batch_timeout_ms: 50\n  write_batch_size: 9\n';

  it('drops the harness read timeout and sets the given settings under processors', () => {
    const out = withProcessorSettings(config, { write_batch_size: '1000' });
    expect(out).toBe('sources:\n  s:\n    type: cdc\nprocessors:\n  write_batch_size: 1000\n');
  });

  it('refuses a config without a processors section', () => {
    expect(() => withProcessorSettings('sources: {}\n', {})).toThrow(/processors/);
  });
});

describe('percentiles', () => {
  it('reads p50, p90, p99 and max of unsorted values', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentiles(values)).toEqual({ count: 100, p50: 51, p90: 91, p99: 100, max: 100 });
  });

  it('pairs only keys both maps know', () => {
    const earlier = new Map([
      ['a', 10],
      ['b', 20],
    ]);
    const later = new Map([
      ['b', 25],
      ['c', 40],
    ]);
    expect(differences(['a', 'b', 'c'], earlier, later)).toEqual([5]);
  });
});

describe('IdCursor', () => {
  it('gives each session of a table its own range and wraps within it', () => {
    // 4 sessions over 2 tables: sessions 0 and 2 share table 0, ranges 1..5 and 6..10.
    const cursor = new IdCursor(4, 2, 10);
    expect(cursor.take(0, 2, 2)).toBe(1);
    expect(cursor.take(2, 2, 2)).toBe(6);
    expect(cursor.take(0, 2, 2)).toBe(3);
    expect(cursor.take(0, 2, 2)).toBe(1);
  });
});
