// processors.wait_enabled against real redis-servers: a batch applied to a target without a
// replica is refused for a retry (retry_on_replica_failure) or acknowledged with a warning;
// once a replica follows the target, the same batch passes (its replay skipped by checkpoint).
import { describe, expect, it } from 'vitest';
import { startRedis } from '../harness/redis.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import { parsePipelineConfig } from '../pipeline/load-config.ts';
import type { BatchToApply } from './apply-batch.ts';
import { connectTarget } from './target-connect.ts';

const ctx = useTestContext();

const batch: BatchToApply = {
  stream: 'data:pg.public.t',
  firstId: '1-0',
  lastId: '1-0',
  epoch: 1,
  ops: [{ kind: 'hash', key: 't:id:1', fields: [['id', '1']], keep: [] }],
};

function targetAt(port: number) {
  const config = parsePipelineConfig(
    `sources: {}\ntargets:\n  target:\n    connection: {host: 127.0.0.1, port: ${port}}\n`,
    'config.yaml',
    {},
  );
  const target = config.targets['target'];
  if (target === undefined) throw new Error('the config has its target');
  return target;
}

describe('wait_enabled', () => {
  it('holds a batch back until a replica has it', async () => {
    const primary = await startRedis({ dir: `${ctx.dir}/primary`, registry: ctx.registry });
    const shortfalls: string[] = [];
    const connected = await connectTarget('target', targetAt(primary.port), {
      replicaWait: { timeoutMs: 100, retry: true, onShortfall: (m) => shortfalls.push(m) },
    });
    try {
      await expect(connected.writer.apply(batch)).rejects.toMatchObject({
        code: 'TARGET_UNAVAILABLE',
        message: expect.stringMatching(/no replica acknowledging data:pg\.public\.t/) as unknown,
      });
      // Written (the script ran), but not confirmed: the consumer keeps it unacknowledged.
      expect(await connected.probe.hgetall('t:id:1')).toEqual({ id: '1' });
      await startRedis({
        dir: `${ctx.dir}/replica`,
        registry: ctx.registry,
        extraArgs: ['--replicaof', '127.0.0.1', String(primary.port)],
      });
      await waitFor(
        'the replica to follow the target',
        async () => /slave0:.*state=online/.test(await connected.probe.info('replication')),
        { timeoutMs: 20_000 },
      );
      // The retry: the replay is skipped by the checkpoint and WAIT now succeeds.
      await expect(connected.writer.apply(batch)).resolves.toMatchObject({ applied: false });
      expect(shortfalls).toEqual([]);
    } finally {
      await connected.close();
    }
  }, 60_000);

  it('acknowledges with a warning when retry_on_replica_failure is false', async () => {
    const primary = await startRedis({ dir: `${ctx.dir}/alone`, registry: ctx.registry });
    const shortfalls: string[] = [];
    const connected = await connectTarget('target', targetAt(primary.port), {
      replicaWait: { timeoutMs: 50, retry: false, onShortfall: (m) => shortfalls.push(m) },
    });
    try {
      await expect(connected.writer.apply(batch)).resolves.toMatchObject({ applied: true });
      expect(shortfalls).toHaveLength(1);
    } finally {
      await connected.close();
    }
  }, 60_000);
});
