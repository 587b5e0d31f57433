// A reset against real servers: the RDI database loses the source's offsets, streams and
// statistics; every target — a standalone Redis and a 3-master Redis Cluster — loses the
// source's checkpoints and, when asked, the tables' keys (found on every cluster node), while
// other pipelines' checkpoints and unrelated keys stay.
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisCluster } from '../../harness/redis-cluster.ts';
import { startRedis } from '../../harness/redis.ts';
import { useTestContext } from '../../harness/test-context.ts';
import { parsePipelineConfig } from '../../pipeline/load-config.ts';
import {
  CHECKPOINT_KEY,
  DEBEZIUM_OFFSETS_KEY,
  rowIndexKey,
  statsKey,
} from '../../pipeline/redis-keys.ts';
import type { PreparedPipeline } from './pipeline-workspace.ts';
import { resetPipeline } from './reset-pipeline.ts';
import { connectResetTargets } from './reset-targets.ts';

const ctx = useTestContext();
let rdi: Redis;
let standalone: Redis;
let cluster: Cluster;
let pipeline: PreparedPipeline;
const STREAMS = ['data:shop.shop.customers', 'data:shop.shop.orders'];
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

beforeAll(async () => {
  const [rdiServer, targetServer, clusterServer] = await Promise.all([
    startRedis({ dir: `${ctx.dir}/rdi`, registry: ctx.registry }),
    startRedis({ dir: `${ctx.dir}/target`, registry: ctx.registry }),
    startRedisCluster({ dir: `${ctx.dir}/cluster`, registry: ctx.registry }),
  ]);
  rdi = new Redis(rdiServer.url);
  standalone = new Redis(targetServer.url);
  cluster = new Cluster([{ host: clusterServer.host, port: clusterServer.port }]);
  const config = parsePipelineConfig(
    `sources:
  shop:
    type: cdc
    connection: {type: mariadb, host: 127.0.0.1, port: 3306, user: u, password: p}
    tables:
      shop.customers: {}
      shop.orders: {}
targets:
  target:
    connection: {type: redis, host: 127.0.0.1, port: ${targetServer.port}}
  cache2:
    connection: {type: redis, host: 127.0.0.1, port: ${clusterServer.port}}
`,
    'config.yaml',
    {},
  );
  const source = config.sources['shop'];
  if (source?.connection === undefined) throw new Error('the config has the source');
  pipeline = {
    name: 'default',
    revision: 1,
    config,
    source: { name: 'shop', connection: source.connection },
    slotName: 'sluice_shop',
    dir: ctx.dir,
    configFile: `${ctx.dir}/config.yaml`,
    secrets: {},
    httpPort: 0,
  };
});

afterAll(async () => {
  await Promise.all([rdi.quit(), standalone.quit(), cluster.quit()]);
});

async function seed(): Promise<void> {
  await rdi.hset(DEBEZIUM_OFFSETS_KEY, 'shop', '{}');
  for (const stream of STREAMS) {
    await rdi.xadd(stream, '*', 'value', '{}');
    await rdi.hset(statsKey(stream), 'total', 1);
  }
  await rdi.xadd('data:other.x.y', '*', 'value', '{}');
  for (const client of [standalone, cluster]) {
    await client.hset(CHECKPOINT_KEY, {
      [STREAMS[0] ?? '']: '1-0',
      [STREAMS[1] ?? '']: '2-0',
      'data:other.x.y': '3-0',
    });
    // Spread over the cluster's slots: 40 keys land on all three masters.
    for (let id = 1; id <= 20; id += 1) {
      await client.hset(`customers:id:${id}`, 'id', id);
      await client.hset(`orders:id:${id}`, 'id', id);
    }
    await client.set('unrelated', 'kept');
    await client.hset(rowIndexKey(STREAMS[0] ?? ''), '{"id":"1"}', '[["k","customers:id:1"]]');
  }
}

describe('resetPipeline', () => {
  it('clears the checkpoints of every target and keeps the keys unless asked', async () => {
    await seed();
    const { targets, close } = await connectResetTargets(pipeline.config.targets);
    try {
      const summary = await resetPipeline({
        rdi,
        targets,
        pipeline,
        dropTargetKeys: false,
        logger: silent,
      });
      expect(summary).toMatchObject({ targets: ['target', 'cache2'], streams: 2, checkpoints: 4 });
      expect(summary.targetKeys).toBe(0);
    } finally {
      await close();
    }
    expect(await rdi.exists(DEBEZIUM_OFFSETS_KEY, ...STREAMS, ...STREAMS.map(statsKey))).toBe(0);
    expect(await rdi.exists('data:other.x.y')).toBe(1);
    for (const client of [standalone, cluster]) {
      expect(await client.hgetall(CHECKPOINT_KEY)).toEqual({ 'data:other.x.y': '3-0' });
      expect(await client.exists('customers:id:1')).toBe(1);
      expect(await client.exists(rowIndexKey(STREAMS[0] ?? ''))).toBe(0);
      expect(await client.exists('orders:id:20')).toBe(1);
    }
  });

  it("deletes the tables' keys on every node of every target when asked", async () => {
    await seed();
    const { targets, close } = await connectResetTargets(pipeline.config.targets);
    try {
      const summary = await resetPipeline({
        rdi,
        targets,
        pipeline,
        dropTargetKeys: true,
        logger: silent,
      });
      expect(summary.targetKeys).toBe(80);
    } finally {
      await close();
    }
    expect((await standalone.keys('*')).sort()).toEqual([CHECKPOINT_KEY, 'unrelated']);
    for (const node of cluster.nodes('master')) {
      const keys = await node.keys('*');
      expect(keys.filter((k) => k.startsWith('customers:') || k.startsWith('orders:'))).toEqual([]);
    }
    expect(await cluster.get('unrelated')).toBe('kept');
  });
});
