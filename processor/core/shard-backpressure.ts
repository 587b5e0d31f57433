// The backpressure flag (`sluice:backpressure`) when several processor instances run: one
// writer, instance 1, judging the backlog of every change stream, so that an instance with
// nothing to do does not clear the flag that another's backlog raised. The others do not
// publish; a target that fails their writes shows in that backlog.

import type { BackpressureCheck } from '../consume-runner.ts';
import type { Clock } from '../ports.ts';
import type { StreamShard } from './stream-shard.ts';

export interface ShardBackpressureOptions {
  readonly shard: StreamShard;
  readonly monitor: BackpressureCheck;
  /** Every change stream, whichever instance owns it. */
  readonly listAllStreams: () => Promise<readonly string[]>;
  readonly clock: Clock;
  /** How long the list of every stream is reused (the monitor itself measures once per interval). */
  readonly refreshMs: number;
}

export function shardBackpressure(opts: ShardBackpressureOptions): BackpressureCheck {
  const { shard, monitor, clock } = opts;
  if (shard.count === 1) return monitor;
  if (shard.index !== 1) return { check: () => Promise.resolve() };
  let streams: readonly string[] = [];
  let listedAt = Number.NEGATIVE_INFINITY;
  return {
    async check(_own, targetDown, force) {
      const now = clock.now();
      if (now - listedAt >= opts.refreshMs) {
        streams = await opts.listAllStreams();
        listedAt = now;
      }
      await monitor.check(streams, targetDown, force);
    },
  };
}
