// The Redis Cluster writer against a real 3-master cluster: every op kind gives the same keys
// as the atomic standalone step (with keys spread over the nodes), replayed batches are
// skipped, an older epoch is fenced off, a key of another type rejects its record, a lookup
// across slots is refused, and a crash before the checkpoint write converges on replay.
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { redisJsonModule } from '../harness/redis-json-module.ts';
import { startRedis } from '../harness/redis.ts';
import { startRedisCluster, type RedisClusterInstance } from '../harness/redis-cluster.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import { CHECKPOINT_KEY, FENCE_KEY } from '../pipeline/redis-keys.ts';
import type { BatchToApply } from './apply-batch.ts';
import type { ConnectedTarget } from './target-connect.ts';
import { connectTarget } from './target-connect.ts';
import type { WriteOp } from './core/write-plan.ts';

const ctx = useTestContext();
// The JSON tests run where SLUICE_REDISJSON_MODULE names a RedisJSON build (no Debian package
// ships one), as in e2e/json-outputs.test.ts.
const JSON_MODULE = redisJsonModule();
let clusterServers: RedisClusterInstance;
let onCluster: ConnectedTarget;
let onStandalone: ConnectedTarget;
/** A plain cluster client for assertions (the writer's own client is private). */
let cluster: Cluster;
let standalone: Redis;

const targetConfig = (host: string, port: number) =>
  ({ connection: { type: 'redis', host, port } }) as const;

beforeAll(async () => {
  clusterServers = await startRedisCluster({
    dir: `${ctx.dir}/cluster`,
    registry: ctx.registry,
    modules: JSON_MODULE === undefined ? [] : [JSON_MODULE],
  });
  const server = await startRedis({ dir: `${ctx.dir}/standalone`, registry: ctx.registry });
  onCluster = await connectTarget('cache2', targetConfig(clusterServers.host, clusterServers.port));
  onStandalone = await connectTarget('target', targetConfig(server.host, server.port));
  cluster = new Cluster([{ host: clusterServers.host, port: clusterServers.port }]);
  standalone = new Redis(server.url);
});
afterAll(async () => {
  await Promise.all([onCluster.close(), onStandalone.close(), cluster.quit(), standalone.quit()]);
});
beforeEach(async () => {
  await Promise.all([...cluster.nodes('master').map((n) => n.flushall()), standalone.flushall()]);
});

const stream = 'data:shop.public.orders';
const batch = (ops: WriteOp[], extra: Partial<BatchToApply> = {}): BatchToApply => ({
  stream,
  firstId: '1-0',
  lastId: '1-0',
  epoch: 0,
  ops,
  ...extra,
});

/** What a key holds, comparable across servers (stream entry ids are left out). */
async function snapshot(client: Redis | Cluster, key: string): Promise<unknown> {
  const type = await client.type(key);
  switch (type) {
    case 'hash':
      return { type, value: await client.hgetall(key) };
    case 'set':
      return { type, value: (await client.smembers(key)).sort() };
    case 'zset':
      return { type, value: await client.zrange(key, 0, -1, 'WITHSCORES') };
    case 'stream':
      return { type, value: (await client.xrange(key, '-', '+')).map(([, fields]) => fields) };
    case 'string':
      return { type, value: await client.get(key), expires: (await client.ttl(key)) > 0 };
    default:
      return { type };
  }
}

const EVERY_OP: WriteOp[] = [
  {
    kind: 'hash',
    key: 'order:1',
    fields: [
      ['id', '1'],
      ['status', 'new'],
    ],
    keep: ['note'],
  },
  { kind: 'hash', key: 'order:2', fields: [['id', '2']], keep: [] },
  { kind: 'hash-merge', key: 'order:3', fields: [['status', 'paid']], remove: ['old'] },
  { kind: 'del', key: 'order:4' },
  { kind: 'sadd', key: 'orders:paid', member: '3' },
  { kind: 'srem', key: 'orders:paid', member: '9' },
  { kind: 'zadd', key: 'orders:by_total', score: '42.5', member: '1' },
  { kind: 'zrem', key: 'orders:by_total', member: '9' },
  {
    kind: 'xadd',
    key: 'orders:audit',
    fields: [
      ['id', '1'],
      ['op_code', 'c'],
    ],
  },
  { kind: 'string', key: 'order:1:status', value: 'new' },
  { kind: 'expire', key: 'order:1:status', seconds: 600 },
];
const EVERY_KEY = [...new Set(EVERY_OP.map((op) => op.key))];

async function seed(client: Redis | Cluster): Promise<void> {
  await client.hset('order:1', { id: '1', status: 'draft', note: 'kept', stale: 'x' });
  await client.hset('order:2', { id: '2', stale: 'x' });
  await client.hset('order:3', { status: 'new', old: 'x', other: 'y' });
  await client.set('order:4', 'gone soon');
  await client.sadd('orders:paid', '9', '1');
  await client.zadd('orders:by_total', 1, '9');
}

describe('cluster target', () => {
  it('is detected from INFO cluster', () => {
    expect(onCluster.writer.mode).toBe('cluster');
    expect(onStandalone.writer.mode).toBe('standalone');
  });

  it('applies every op kind with the same result as the atomic standalone step', async () => {
    await Promise.all([seed(cluster), seed(standalone)]);
    const ops = batch(EVERY_OP, { firstId: '5-0', lastId: '7-1', epoch: 3 });
    expect(await onCluster.writer.apply(ops)).toEqual({
      applied: true,
      opCount: EVERY_OP.length,
      rejected: [],
    });
    await onStandalone.writer.apply(ops);
    for (const key of EVERY_KEY) {
      expect(await snapshot(cluster, key), key).toEqual(await snapshot(standalone, key));
    }
    expect(await cluster.hgetall('order:1')).toEqual({ id: '1', status: 'new', note: 'kept' });
    expect(await cluster.exists('order:4')).toBe(0);
    expect(await cluster.hget(CHECKPOINT_KEY, stream)).toBe('7-1');
    expect(await cluster.get(FENCE_KEY)).toBe('3');
    // The keys really live on different nodes: no single script could have written them.
    const holders = await Promise.all(
      cluster.nodes('master').map(async (node) => (await node.dbsize()) > 0),
    );
    expect(holders.filter(Boolean).length).toBeGreaterThan(1);
  });

  it('skips a replayed batch at or below the checkpoint, comparing ids numerically', async () => {
    await cluster.hset(CHECKPOINT_KEY, stream, '100-2');
    const op: WriteOp = { kind: 'string', key: 'k', value: 'v' };
    for (const firstId of ['100-2', '99-9']) {
      expect(await onCluster.writer.apply(batch([op], { firstId, lastId: '101-0' }))).toEqual({
        applied: false,
        checkpoint: '100-2',
      });
    }
    expect(await cluster.exists('k')).toBe(0);
    const later = batch([op], { firstId: '100-10', lastId: '100-10' });
    expect(await onCluster.writer.apply(later)).toMatchObject({ applied: true });
    expect(await cluster.get('k')).toBe('v');
  });

  it('refuses a batch of an older epoch and writes nothing; records a newer epoch', async () => {
    await cluster.set(FENCE_KEY, '5');
    await cluster.set('x', 'keep me');
    const old = batch([{ kind: 'del', key: 'x' }], { epoch: 4 });
    await expect(onCluster.writer.apply(old)).rejects.toMatchObject({ code: 'FENCED' });
    expect(await cluster.get('x')).toBe('keep me');
    expect(await cluster.hget(CHECKPOINT_KEY, stream)).toBeNull();
    await onCluster.writer.apply({ ...old, epoch: 6 });
    expect(await cluster.get(FENCE_KEY)).toBe('6');
    expect(await cluster.exists('x')).toBe(0);
  });

  it('leaves out a record whose key holds another type and reports it, applying the rest', async () => {
    await cluster.set('taken', 'a string');
    const result = await onCluster.writer.apply(
      batch(
        [
          { kind: 'sadd', key: 'members', member: 'a' },
          { kind: 'hash', key: 'h1', fields: [['x', '1']], keep: [] },
          { kind: 'sadd', key: 'taken', member: 'b' },
          { kind: 'sadd', key: 'members', member: 'c' },
        ],
        { lastId: '3-0', opEntryIds: ['1-0', '2-0', '2-0', '3-0'] },
      ),
    );
    expect(result).toEqual({
      applied: true,
      opCount: 2,
      rejected: [{ entryId: '2-0', key: 'taken', foundType: 'string', expectedType: 'set' }],
    });
    expect(await cluster.exists('h1')).toBe(0);
    expect(await cluster.get('taken')).toBe('a string');
    expect((await cluster.smembers('members')).sort()).toEqual(['a', 'c']);
    expect(await cluster.hget(CHECKPOINT_KEY, stream)).toBe('3-0');
  });

  it('converges when a crash before the checkpoint replays a batch; a stream gets the entry twice', async () => {
    await seed(cluster);
    await onCluster.writer.apply(batch(EVERY_OP));
    const first = await Promise.all(EVERY_KEY.map((key) => snapshot(cluster, key)));
    // The crash: every write landed, the checkpoint did not.
    await cluster.hdel(CHECKPOINT_KEY, stream);
    expect(await onCluster.writer.apply(batch(EVERY_OP))).toMatchObject({ applied: true });
    for (const [i, key] of EVERY_KEY.entries()) {
      if (key === 'orders:audit') continue;
      expect(await snapshot(cluster, key), key).toEqual(first[i]);
    }
    expect(await cluster.xlen('orders:audit')).toBe(2);
  });

  const hasJson = async () =>
    JSON.stringify(await cluster.call('MODULE', 'LIST')).includes('ReJSON');

  it('writes nothing and says so when JSON ops meet a cluster without RedisJSON', async ({
    skip,
  }) => {
    if (await hasJson()) skip('the cluster has RedisJSON loaded');
    await cluster.set('untouched', '1');
    const ops: WriteOp[] = [
      { kind: 'del', key: 'untouched' },
      { kind: 'json-set', key: 'doc', path: '$', json: '{}', ensure: [] },
    ];
    await expect(onCluster.writer.apply(batch(ops))).rejects.toMatchObject({
      code: 'TARGET_JSON_MODULE_MISSING',
    });
    expect(await cluster.get('untouched')).toBe('1');
    expect(await cluster.hget(CHECKPOINT_KEY, stream)).toBeNull();
  });

  it('writes, merges, nests and removes JSON documents', async ({ skip }) => {
    if (!(await hasJson()))
      skip('RedisJSON is not loaded: set SLUICE_REDISJSON_MODULE to a RedisJSON build to run this');
    const ops: WriteOp[] = [
      { kind: 'json-set', key: 'order:1', path: '$', json: '{"id":1}', ensure: [] },
      { kind: 'json-merge', key: 'order:1', path: '$', json: '{"status":"new"}' },
      { kind: 'json-set', key: 'order:2', path: '$.lines["3"]', json: '1', ensure: ['$.lines'] },
      { kind: 'json-del', key: 'order:2', path: '$.lines["3"]' },
    ];
    await onCluster.writer.apply(batch(ops));
    expect(JSON.parse(String(await cluster.call('JSON.GET', 'order:1')))).toEqual({
      id: 1,
      status: 'new',
    });
    expect(JSON.parse(String(await cluster.call('JSON.GET', 'order:2')))).toEqual({ lines: {} });
  });

  it('runs lookups on the node of their key and refuses one across slots', async () => {
    await cluster.set('dept:1', 'Sales');
    await cluster.set('dept:2', 'Ops');
    expect(await onCluster.writer.lookup(['GET', 'dept:1'])).toBe('Sales');
    expect(await cluster.cluster('KEYSLOT', 'dept:1')).not.toBe(
      await cluster.cluster('KEYSLOT', 'dept:2'),
    );
    await expect(onCluster.writer.lookup(['MGET', 'dept:1', 'dept:2'])).rejects.toMatchObject({
      code: 'TARGET_CROSSSLOT',
      retryable: false,
    });
    await cluster.sadd('a-set', 'x');
    await expect(onCluster.writer.lookup(['GET', 'a-set'])).rejects.toMatchObject({
      code: 'TARGET_WRONGTYPE',
    });
  });
});

describe('cluster target outage', () => {
  it('fails with a retryable error while a node is down, and writes again once it is back', async () => {
    const slot = await cluster.cluster('KEYSLOT', FENCE_KEY);
    const slots = await cluster.cluster('SLOTS');
    const owner = slots.find(([from, to]) => slot >= from && slot <= to)?.[2]?.[1];
    const node = clusterServers.nodes.find((n) => n.port === owner);
    if (node === undefined) throw new Error(`no node owns slot ${slot}`);
    await node.stop();
    const ops = batch([{ kind: 'string', key: 'during', value: 'outage' }]);
    await expect(onCluster.writer.apply(ops)).rejects.toMatchObject({
      code: 'TARGET_UNAVAILABLE',
      retryable: true,
    });
    await node.restart();
    // The writer's own client finds the node again by itself: the same writer succeeds.
    await waitFor('a write after the node is back', () => onCluster.writer.apply(ops), {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    expect(await cluster.get('during')).toBe('outage');
  });
});
