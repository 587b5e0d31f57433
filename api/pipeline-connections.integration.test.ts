// Deploy-time check of the target connections jobs name: a job output or lookup naming a
// connection that config.yaml does not define is refused (dry run and deploy alike) with the
// job file, line, column and key; a pipeline whose named targets exist is accepted.
import { beforeEach, describe, expect, it } from 'vitest';
import { pipelineKey } from '../pipeline/redis-keys.ts';
import { configYaml } from './testing/api-fixture.ts';
import { useApiFixture } from './testing/api-fixture.ts';

const api = useApiFixture();

beforeEach(async () => {
  await api.rdi.flushdb();
  await api.rdi.hset('sluice:secrets', 'SOURCE_DB_PASSWORD', 'pw');
});

const TWO_TARGET_JOB = `source:
  table: people
output:
  - uses: redis.write
    with:
      data_type: hash
  - uses: redis.write
    with:
      connection: cache2
      data_type: string
      args:
        value: name
`;

/** config.yaml with a second target `cache2` (same address: it must only be reachable). */
function configWithCache2(port: number): string {
  return `${configYaml(port)}  cache2:
    connection:
      type: redis
      host: 127.0.0.1
      port: ${port}
`;
}

interface Problem {
  code: string;
  message: string;
  path?: string;
  file?: string;
  line?: number;
  column?: number;
}

describe('job connections at deploy', () => {
  for (const dryRun of [true, false]) {
    it(`refuses a job naming a connection missing from targets (${dryRun ? 'dry run' : 'deploy'})`, async () => {
      const response = await api.call({
        method: 'POST',
        url: `/api/v2/pipelines${dryRun ? '?dry_run=true' : ''}`,
        payload: {
          name: 'default',
          config: configYaml(api.rdiPort),
          jobs: { people: TWO_TARGET_JOB },
        },
      });
      expect(response.statusCode).toBe(400);
      const body = response.json<{ code: string; problems: Problem[] }>();
      expect(body.code).toBe('CONFIG_INVALID');
      expect(body.problems).toHaveLength(1);
      expect(body.problems[0]).toMatchObject({
        code: 'CONFIG_INVALID',
        file: 'jobs/people.yaml',
        path: 'output.1.with.connection',
        line: 9,
        column: 19,
      });
      expect(body.problems[0]?.message).toContain("the connection 'cache2'");
      expect(await api.rdi.exists(pipelineKey('default'))).toBe(0);
    });
  }

  it('accepts the job when config.yaml defines the target, and tries its connection', async () => {
    const dryRun = await api.call({
      method: 'POST',
      url: '/api/v2/pipelines?dry_run=true',
      payload: {
        name: 'default',
        config: configWithCache2(api.rdiPort),
        jobs: { people: TWO_TARGET_JOB },
      },
    });
    expect(dryRun.statusCode).toBe(200);
    expect(dryRun.json()).toMatchObject({
      connections_tested: [
        'sources.pg.connection',
        'targets.target.connection',
        'targets.cache2.connection',
      ],
    });
    const created = await api.call({
      method: 'POST',
      url: '/api/v2/pipelines',
      payload: {
        name: 'default',
        config: configWithCache2(api.rdiPort),
        jobs: { people: TWO_TARGET_JOB },
      },
    });
    expect(created.statusCode).toBe(201);
  });
});
