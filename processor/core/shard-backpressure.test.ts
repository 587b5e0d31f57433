// One backpressure writer among several instances: instance 1 measures every stream (the list
// reused for its refresh time), the others publish nothing, a single processor is unchanged.
import { describe, expect, it } from 'vitest';
import type { BackpressureCheck } from '../consume-runner.ts';
import { shardBackpressure } from './shard-backpressure.ts';

function recordingMonitor(): BackpressureCheck & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    check: (streams, targetDown, force) => {
      calls.push([[...streams], targetDown, force]);
      return Promise.resolve();
    },
  };
}

describe('shardBackpressure', () => {
  it('passes a single processor its own streams, as before', async () => {
    const monitor = recordingMonitor();
    const check = shardBackpressure({
      shard: { index: 1, count: 1 },
      monitor,
      listAllStreams: () => Promise.reject(new Error('not listed')),
      clock: { now: () => 0 },
      refreshMs: 1_000,
    });
    await check.check(['data:a'], true, true);
    expect(monitor.calls).toEqual([[['data:a'], true, true]]);
  });

  it('lets instance 1 judge every stream, listing them again after refreshMs', async () => {
    const monitor = recordingMonitor();
    let now = 0;
    let lists = 0;
    const check = shardBackpressure({
      shard: { index: 1, count: 2 },
      monitor,
      listAllStreams: () => {
        lists += 1;
        return Promise.resolve(lists === 1 ? ['data:a', 'data:b'] : ['data:a', 'data:b', 'data:c']);
      },
      clock: { now: () => now },
      refreshMs: 1_000,
    });
    await check.check(['data:a'], false);
    now = 999;
    await check.check(['data:a'], true, true);
    now = 1_000;
    await check.check(['data:a'], false);
    expect(lists).toBe(2);
    expect(monitor.calls).toEqual([
      [['data:a', 'data:b'], false, undefined],
      [['data:a', 'data:b'], true, true],
      [['data:a', 'data:b', 'data:c'], false, undefined],
    ]);
  });

  it('keeps the other instances from publishing', async () => {
    const monitor = recordingMonitor();
    const check = shardBackpressure({
      shard: { index: 2, count: 2 },
      monitor,
      listAllStreams: () => Promise.resolve(['data:a']),
      clock: { now: () => 0 },
      refreshMs: 1_000,
    });
    await check.check(['data:b'], true, true);
    expect(monitor.calls).toEqual([]);
  });
});
