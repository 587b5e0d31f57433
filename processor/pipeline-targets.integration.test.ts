// Connecting a pipeline's targets against real Redis servers: `target` plus every connection
// the jobs write to become writers, lookup-only connections are connected but not written,
// each lookup reads from the target its job names, and an unreachable target is reported.
import { type Cluster, Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisInstance } from '../harness/redis.ts';
import { useTestContext } from '../harness/test-context.ts';
import { freePort } from '../common/free-port.ts';
import { parsePipelineConfig } from '../pipeline/load-config.ts';
import { parseJobFile } from '../pipeline/load-jobs.ts';
import { connectPipelineTargets, targetsInUse } from './pipeline-targets.ts';

const ctx = useTestContext();
const servers: Record<string, RedisInstance> = {};

beforeAll(async () => {
  for (const name of ['target', 'cache2', 'refs']) {
    servers[name] = await startRedis({ dir: `${ctx.dir}/${name}`, registry: ctx.registry });
  }
});

function config(ports: Record<string, number>) {
  const targets = Object.entries(ports).map(([name, port]) =>
    [`  ${name}:`, '    connection:', '      host: 127.0.0.1', `      port: ${port}`].join('\n'),
  );
  return parsePipelineConfig(
    `sources: {}\ntargets:\n${targets.join('\n')}\nprocessors: {}\n`,
    'config.yaml',
    {},
  );
}

const JOBS = [
  parseJobFile(
    `source:
  table: orders
transform:
  - uses: redis.lookup
    with:
      connection: refs
      cmd: GET
      args: ["'k'"]
      field: ref
output:
  - uses: redis.write
    with:
      connection: cache2
      data_type: string
      args:
        value: ref
`,
    'jobs/orders.yaml',
    {},
  ),
];

/** Connection errors are expected here (a target that does not answer). */
const quiet = (_label: string, client: Redis | Cluster): void => {
  client.on('error', () => undefined);
};

const port = (name: string): number => servers[name]?.port ?? 0;

describe('connectPipelineTargets', () => {
  it('writes to `target` and the output connections, and reads lookups from theirs', async () => {
    expect(targetsInUse(JOBS)).toEqual({
      writes: new Set(['target', 'cache2']),
      reads: new Set(['refs']),
    });
    const ports = { target: port('target'), cache2: port('cache2'), refs: port('refs') };
    for (const [name, p] of Object.entries(ports)) {
      const client = new Redis(p);
      await client.set('k', `from ${name}`);
      await client.quit();
    }
    const targets = await connectPipelineTargets(config(ports), JOBS, quiet);
    try {
      expect(targets.writers.map((w) => [w.name, w.mode])).toEqual([
        ['target', 'standalone'],
        ['cache2', 'standalone'],
      ]);
      expect(await targets.lookup('refs', ['GET', 'k'])).toBe('from refs');
      expect(await targets.lookup('cache2', ['GET', 'k'])).toBe('from cache2');
      await expect(targets.lookup('nowhere', ['GET', 'k'])).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
      });
      // A command the server refuses for this record is a reject, not a fault to retry.
      await expect(targets.lookup('refs', ['HGET', 'k'])).rejects.toMatchObject({
        code: 'JOB_LOOKUP_FAILED',
        retryable: false,
      });
      expect(targets.summary).toEqual({
        target: `127.0.0.1:${ports.target} (standalone)`,
        cache2: `127.0.0.1:${ports.cache2} (standalone)`,
        refs: `127.0.0.1:${ports.refs} (standalone)`,
      });
      await expect(targets.checkJson(['cache2'])).rejects.toMatchObject({
        code: 'TARGET_JSON_MODULE_MISSING',
      });
    } finally {
      expect(await targets.close()).toEqual([]);
    }
  });

  it('names a target that does not answer', async () => {
    const ports = { target: port('target'), cache2: await freePort(), refs: port('refs') };
    await expect(connectPipelineTargets(config(ports), JOBS, quiet)).rejects.toThrow(
      /Cannot reach the target 'cache2' at 127\.0\.0\.1:\d+/,
    );
  });

  it("refuses a pipeline without the target named 'target'", async () => {
    const ports = { cache2: port('cache2'), refs: port('refs') };
    await expect(connectPipelineTargets(config(ports), JOBS, quiet)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      path: 'targets.target',
    });
  });
});
