// End to end with two targets: real PostgreSQL → Debezium Server → processor, one job writing
// a hash to `target` (a standalone Redis) and a string and a set to `cache2`, a real 3-master
// Redis Cluster (idempotent at-least-once writer); a table without a job goes to `target`
// only. After the snapshot, inserts, updates and deletes, each target holds exactly the
// expected keys, and the statistics count each record once.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDebeziumProperties } from '../debezium-config/render-properties.ts';
import { parsePipelineConfig } from '../pipeline/load-config.ts';
import { CHECKPOINT_KEY, FENCE_KEY, statsKey } from '../pipeline/redis-keys.ts';
import { pipelineConfigText } from '../harness/pipeline.ts';
import { startProcessorProcess } from '../harness/processor-process.ts';
import { startRedisCluster, type RedisClusterInstance } from '../harness/redis-cluster.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';

const ctx = useTestContext();
let stack: Stack<'postgresql'>;
let cacheServers: RedisClusterInstance;
let target: Redis;
let cache2: Cluster;
const sql = (text: string): Promise<string[][]> => stack.source.query(text);

const ORDERS_JOB = `
source:
  table: orders
output:
  - uses: redis.write
    with:
      data_type: hash
      key:
        expression: "'order:' & id"
  - uses: redis.write
    with:
      connection: cache2
      data_type: string
      key:
        expression: "'order:' & id & ':status'"
      args:
        value: status
  - uses: redis.write
    with:
      connection: cache2
      data_type: set
      key:
        expression: "'orders:status:' & status"
      args:
        member: $string(id)
`;

/** config.yaml of the harness plus the cluster as the target `cache2`. */
function configText(): string {
  const text = pipelineConfigText('postgresql', {
    sourceName: 'shop',
    database: stack.source.database,
    tables: ['orders', 'customers'],
  });
  const cache2Target = [
    '  cache2:',
    '    connection:',
    '      type: redis',
    '      host: ${CACHE2_HOST}',
    '      port: ${CACHE2_PORT}',
  ];
  return text.replace('processors:\n', `${cache2Target.join('\n')}\nprocessors:\n`);
}

beforeAll(async () => {
  const [started, cluster] = await Promise.all([
    startStack({ source: 'postgresql', dir: ctx.dir, registry: ctx.registry }),
    startRedisCluster({ dir: join(ctx.dir, 'cache2'), registry: ctx.registry }),
  ]);
  stack = started;
  cacheServers = cluster;
  await sql(`
    CREATE TABLE orders (id integer PRIMARY KEY, status text NOT NULL);
    CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL);
    -- The set key depends on a non-key column: moving a member needs the old row.
    ALTER TABLE orders REPLICA IDENTITY FULL;
    INSERT INTO orders VALUES (1, 'new'), (2, 'paid');
    INSERT INTO customers VALUES (1, 'Ada');
  `);
  const dir = join(ctx.dir, 'pipeline');
  await mkdir(join(dir, 'jobs'), { recursive: true });
  const configFile = join(dir, 'config.yaml');
  const text = configText();
  await writeFile(configFile, text);
  await writeFile(join(dir, 'jobs', 'orders.yaml'), ORDERS_JOB);
  const env = {
    SOURCE_DB_HOST: stack.source.host,
    SOURCE_DB_PORT: String(stack.source.port),
    SOURCE_DB_USERNAME: stack.source.user,
    SOURCE_DB_PASSWORD: stack.source.password,
    TARGET_DB_HOST: stack.target.host,
    TARGET_DB_PORT: String(stack.target.port),
    CACHE2_HOST: cacheServers.host,
    CACHE2_PORT: String(cacheServers.port),
  };
  const config = parsePipelineConfig(text, configFile, env);
  const rendered = renderDebeziumProperties(config, 'shop', {
    host: stack.rdi.host,
    port: stack.rdi.port,
  });
  await stack.startDebezium(rendered.properties, rendered.env);
  await startProcessorProcess({
    dir,
    registry: ctx.registry,
    configFile,
    rdiUrl: stack.rdi.url,
    env,
    // A leadership term, as the operator gives: each target records it as its fence.
    epoch: 3,
  });
  target = new Redis(stack.target.url);
  cache2 = new Cluster([{ host: cacheServers.host, port: cacheServers.port }]);
});

afterAll(async () => {
  await Promise.all([target.quit(), cache2.quit()]);
});

type KeyDump = Record<string, unknown>;

/** Every data key of a target (Sluice's own keys left out) with what it holds. */
async function dump(clients: readonly Redis[]): Promise<KeyDump> {
  const result: KeyDump = {};
  for (const client of clients) {
    for (const key of await client.keys('*')) {
      if (key.startsWith('sluice:')) continue;
      const type = await client.type(key);
      if (type === 'hash') result[key] = await client.hgetall(key);
      else if (type === 'set') result[key] = (await client.smembers(key)).sort();
      else if (type === 'string') result[key] = await client.get(key);
      else result[key] = `(${type})`;
    }
  }
  return result;
}

async function expectKeys(name: string, read: () => Promise<KeyDump>, expected: KeyDump) {
  let seen: KeyDump = {};
  await waitFor(
    `${name} to hold exactly ${JSON.stringify(expected)}`,
    async () => {
      seen = await read();
      if (isDeepStrictEqual(seen, expected)) return true;
      throw new Error(`it holds ${JSON.stringify(seen)}`);
    },
    { timeoutMs: 90_000, intervalMs: 200 },
  );
}

const readTarget = () => dump([target]);
const readCache2 = () => dump(cache2.nodes('master'));

describe('a job writing to two targets, one of them a Redis Cluster', () => {
  it('copies the snapshot to both targets, each output to its own', async () => {
    await expectKeys('target', readTarget, {
      'order:1': { id: '1', status: 'new' },
      'order:2': { id: '2', status: 'paid' },
      'customers:id:1': { id: '1', name: 'Ada' },
    });
    await expectKeys('cache2', readCache2, {
      'order:1:status': 'new',
      'order:2:status': 'paid',
      'orders:status:new': ['1'],
      'orders:status:paid': ['2'],
    });
  });

  it('applies inserts, updates and deletes to both targets', async () => {
    await sql(`
      INSERT INTO orders VALUES (3, 'new');
      UPDATE orders SET status = 'paid' WHERE id = 1;
      DELETE FROM orders WHERE id = 2;
      INSERT INTO customers VALUES (2, 'Grace');
      DELETE FROM customers WHERE id = 1;
    `);
    await expectKeys('target', readTarget, {
      'order:1': { id: '1', status: 'paid' },
      'order:3': { id: '3', status: 'new' },
      'customers:id:2': { id: '2', name: 'Grace' },
    });
    await expectKeys('cache2', readCache2, {
      'order:1:status': 'paid',
      'order:3:status': 'new',
      'orders:status:new': ['3'],
      'orders:status:paid': ['1'],
    });
    // The keys are spread over the cluster's nodes, and each target has its own checkpoint.
    const counts = await Promise.all(cache2.nodes('master').map((node) => node.dbsize()));
    expect(counts.filter((n) => n > 0).length).toBeGreaterThan(1);
    const stream = 'data:shop.public.orders';
    const last = await target.hget(CHECKPOINT_KEY, stream);
    expect(last).not.toBeNull();
    expect(await cache2.hget(CHECKPOINT_KEY, stream)).toBe(last);
    expect(await target.get(FENCE_KEY)).toBe('3');
    expect(await cache2.get(FENCE_KEY)).toBe('3');
  });

  it('counts each record once although it was written to two targets', async () => {
    const rdi = new Redis(stack.rdi.url);
    try {
      const stats = await rdi.hgetall(statsKey('data:shop.public.orders'));
      // Snapshot of 2 orders, then 1 insert, 1 update, 1 delete.
      expect(stats).toMatchObject({ total: '5', inserted: '3', updated: '1', deleted: '1' });
    } finally {
      await rdi.quit();
    }
  });
});
