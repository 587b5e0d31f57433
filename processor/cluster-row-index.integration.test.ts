// The row index on a Redis Cluster target (docs/jobs.md, "Row index"): the cluster writer keeps
// no index. Its ops are dropped, removals planned from a `before` row always apply, and a
// truncate changes nothing; the batch and its checkpoint are written as without the index.
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedisCluster } from '../harness/redis-cluster.ts';
import { useTestContext } from '../harness/test-context.ts';
import { CHECKPOINT_KEY } from '../pipeline/redis-keys.ts';
import { rowIndexKey } from './core/row-index.ts';
import type { ConnectedTarget } from './target-connect.ts';
import { connectTarget } from './target-connect.ts';
import type { WriteOp } from './core/write-plan.ts';

const ctx = useTestContext();
let onCluster: ConnectedTarget;
let cluster: Cluster;

beforeAll(async () => {
  const servers = await startRedisCluster({ dir: `${ctx.dir}/cluster`, registry: ctx.registry });
  const config = { connection: { type: 'redis', host: servers.host, port: servers.port } } as const;
  onCluster = await connectTarget('target', config);
  cluster = new Cluster([{ host: servers.host, port: servers.port }]);
});
afterAll(async () => {
  await Promise.all([onCluster.close(), cluster.quit()]);
});
beforeEach(async () => {
  await Promise.all(cluster.nodes('master').map((node) => node.flushall()));
});

const stream = 'data:shop.public.customers';
const index = rowIndexKey(stream);

describe('cluster writer: row index', () => {
  it('drops the index ops, applies removals planned from before rows, ignores truncates', async () => {
    await cluster.hset('customer:old@x', 'email', 'old@x');
    const ops: WriteOp[] = [
      { kind: 'row-index', key: index, row: '{"id":"1"}', deleted: false },
      { kind: 'hash', key: 'customer:a@x', fields: [['email', 'a@x']], keep: [] },
      { kind: 'row-index', key: index, row: '{"id":"2"}', deleted: true },
      { kind: 'del', key: 'customer:old@x', unlessIndexed: true },
      { kind: 'truncate', key: index },
    ];
    const result = await onCluster.writer.apply({
      stream,
      firstId: '1-0',
      lastId: '3-0',
      epoch: 0,
      ops,
      opEntryIds: ['1-0', '1-0', '2-0', '2-0', '3-0'],
    });
    expect(result).toEqual({ applied: true, opCount: 2, rejected: [] });
    expect(await cluster.hgetall('customer:a@x')).toEqual({ email: 'a@x' });
    expect(await cluster.exists('customer:old@x')).toBe(0);
    expect(await cluster.exists(index)).toBe(0);
    expect(await cluster.hget(CHECKPOINT_KEY, stream)).toBe('3-0');
  });
});
