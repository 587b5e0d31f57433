// Pipeline resources against a real RDI database: create with dry run, get, replace, patch,
// delete, validation problems with file:line:column, start/stop/reset as desired state, and
// connection tests that refuse metadata addresses.
import { beforeEach, describe, expect, it } from 'vitest';
import { pipelineControlKey, pipelineKey, PIPELINES_KEY } from '../pipeline/redis-keys.ts';
import { configYaml, PEOPLE_JOB, useApiFixture } from './testing/api-fixture.ts';

const api = useApiFixture();

beforeEach(async () => {
  await api.rdi.flushdb();
  await api.rdi.hset('sluice:secrets', 'SOURCE_DB_PASSWORD', 'pw');
});

async function create(name = 'default', jobs: Record<string, string> = { people: PEOPLE_JOB }) {
  return api.call({
    method: 'POST',
    url: '/api/v2/pipelines',
    payload: { name, config: configYaml(api.rdiPort), jobs },
  });
}

interface Problem {
  code: string;
  path?: string;
  file?: string;
  line?: number;
  column?: number;
}

describe('pipelines', () => {
  it('creates, lists, gets, replaces and deletes a pipeline', async () => {
    const created = await create();
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      name: 'default',
      revision: 1,
      desired_state: 'stopped',
      jobs: { people: PEOPLE_JOB },
    });
    expect(await api.rdi.sismember(PIPELINES_KEY, 'default')).toBe(1);
    expect(await api.rdi.hget(pipelineKey('default'), 'config')).toBe(configYaml(api.rdiPort));

    const list = await api.call({ method: 'GET', url: '/api/v2/pipelines' });
    expect(list.json()).toEqual({
      pipelines: [
        {
          name: 'default',
          revision: 1,
          updated_at: api.clock.now(),
          jobs: ['people'],
          desired_state: 'stopped',
        },
      ],
    });

    const replaced = await api.call({
      method: 'PUT',
      url: '/api/v2/pipelines/default',
      payload: { config: configYaml(api.rdiPort), jobs: {} },
    });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ revision: 2, jobs: {} });

    const got = await api.call({ method: 'GET', url: '/api/v2/pipelines/default' });
    expect(got.json()).toMatchObject({ name: 'default', revision: 2 });

    const deleted = await api.call({ method: 'DELETE', url: '/api/v2/pipelines/default' });
    expect(deleted.statusCode).toBe(204);
    const gone = await api.call({ method: 'GET', url: '/api/v2/pipelines/default' });
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ code: 'PIPELINE_NOT_FOUND' });
    expect(
      (await api.call({ method: 'DELETE', url: '/api/v2/pipelines/default' })).statusCode,
    ).toBe(404);
  });

  it('refuses to create a pipeline twice (409) and PUT creates one that is missing', async () => {
    expect((await create()).statusCode).toBe(201);
    const again = await create();
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'PIPELINE_EXISTS' });
    const put = await api.call({
      method: 'PUT',
      url: '/api/v2/pipelines/other',
      payload: { config: configYaml(api.rdiPort) },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ name: 'other', revision: 1 });
  });

  it('patches the config or single jobs, and refuses a stale revision (409)', async () => {
    await create();
    const added = await api.call({
      method: 'PATCH',
      url: '/api/v2/pipelines/default',
      payload: { jobs: { orders: PEOPLE_JOB.replace('people', 'orders') } },
    });
    expect(added.json()).toMatchObject({ revision: 2 });
    expect(Object.keys(added.json<{ jobs: object }>().jobs).sort()).toEqual(['orders', 'people']);
    const removed = await api.call({
      method: 'PATCH',
      url: '/api/v2/pipelines/default',
      payload: { jobs: { people: null } },
    });
    expect(Object.keys(removed.json<{ jobs: object }>().jobs)).toEqual(['orders']);
    const stale = await api.call({
      method: 'PATCH',
      url: '/api/v2/pipelines/default',
      payload: { config: configYaml(api.rdiPort), revision: 1 },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'PIPELINE_CONFLICT' });
    const empty = await api.call({
      method: 'PATCH',
      url: '/api/v2/pipelines/default',
      payload: {},
    });
    expect(empty.statusCode).toBe(400);
    const missing = await api.call({
      method: 'PATCH',
      url: '/api/v2/pipelines/nope',
      payload: { jobs: {} },
    });
    expect(missing.statusCode).toBe(404);
  });

  it('validates without storing on a dry run, trying every connection', async () => {
    const response = await api.call({
      method: 'POST',
      url: '/api/v2/pipelines?dry_run=true',
      payload: { name: 'default', config: configYaml(api.rdiPort), jobs: { people: PEOPLE_JOB } },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      valid: true,
      dry_run: true,
      connections_tested: ['sources.pg.connection', 'targets.target.connection'],
      warnings: [],
    });
    expect(await api.rdi.exists(pipelineKey('default'))).toBe(0);
  });

  it('warns about config keys accepted without effect, on every write and dry run', async () => {
    // configYaml has 19 lines: the key is at line 21, column 3.
    const config = `${configYaml(api.rdiPort)}processors:\n  write_batch_size: 500\n`;
    const warning = {
      code: 'CONFIG_NO_EFFECT',
      file: 'config.yaml',
      line: 21,
      column: 3,
      path: 'processors.write_batch_size',
    };
    const requests = [
      ['POST', '/api/v2/pipelines?dry_run=true', { name: 'default', config }, 200],
      ['POST', '/api/v2/pipelines', { name: 'default', config }, 201],
      ['PUT', '/api/v2/pipelines/default?dry_run=true', { config }, 200],
      ['PUT', '/api/v2/pipelines/default', { config }, 200],
      ['PATCH', '/api/v2/pipelines/default?dry_run=true', { config }, 200],
      ['PATCH', '/api/v2/pipelines/default', { config }, 200],
    ] as const;
    for (const [method, url, payload, status] of requests) {
      const response = await api.call({ method, url, payload });
      expect(response.statusCode, `${method} ${url}`).toBe(status);
      const { warnings } = response.json<{ warnings: { message: string }[] }>();
      expect(warnings, `${method} ${url}`).toEqual([{ ...warning, message: warnings[0]?.message }]);
      expect(warnings[0]?.message).toMatch(
        /^processors\.write_batch_size has no effect in Sluice: a batch is written in one atomic step/,
      );
    }
    const plain = await api.call({
      method: 'PUT',
      url: '/api/v2/pipelines/default',
      payload: { config: configYaml(api.rdiPort) },
    });
    expect(plain.json()).toMatchObject({ revision: 4, warnings: [] });
  });

  it('reports every config and job problem with file, line, column and path (400)', async () => {
    const config = configYaml(api.rdiPort)
      .replace('type: postgresql', 'type: postgres')
      .replace('schemas:', 'schemaz:');
    const response = await api.call({
      method: 'POST',
      url: '/api/v2/pipelines',
      payload: {
        name: 'default',
        config,
        jobs: { bad: 'source: [1, 2\n', dup: PEOPLE_JOB, people: PEOPLE_JOB },
      },
    });
    expect(response.statusCode).toBe(400);
    const body = response.json<{ code: string; problems: Problem[] }>();
    expect(body.code).toBe('CONFIG_INVALID');
    const where = body.problems.map((p) => [p.code, p.file, p.path]);
    expect(where).toContainEqual(['CONFIG_INVALID', 'config.yaml', 'sources.pg.connection.type']);
    expect(where).toContainEqual(['CONFIG_UNKNOWN_KEY', 'config.yaml', 'sources.pg.schemaz']);
    expect(body.problems.find((p) => p.file === 'jobs/bad.yaml')).toMatchObject({
      code: 'CONFIG_YAML_SYNTAX',
      line: expect.any(Number) as number,
    });
    expect(body.problems.find((p) => p.file === 'jobs/people.yaml')).toMatchObject({
      code: 'CONFIG_INVALID',
      path: 'source.table',
      line: 2,
    });
    const typeProblem = body.problems.find((p) => p.path === 'sources.pg.connection.type');
    expect(typeProblem).toMatchObject({ line: 5, column: 13 });
    expect(await api.rdi.exists(pipelineKey('default'))).toBe(0);
  });

  it('loads and compiles every job as the processor will, collecting all problems', async () => {
    // SQL is compiled at deploy: an unknown SQLite function is refused with its place.
    const sql = PEOPLE_JOB.replace(
      'expression: age > 17',
      'expression: nosuch(age) > 17\n      language: sql',
    );
    const response = await create('default', {
      a_sql: sql.replace('people', 'a'),
      b_expr: PEOPLE_JOB.replace('people', 'b').replace('age > 17', 'age >'),
      c_keys: PEOPLE_JOB.replace('people', 'c').replace(
        'data_type: hash',
        'data_type: hsh\n      colour: red',
      ),
      d_ok: PEOPLE_JOB.replace('people', 'd'),
    });
    expect(response.statusCode).toBe(400);
    const body = response.json<{
      code: string;
      message: string;
      problems: (Problem & { message: string })[];
    }>();
    expect(body.code).toBe('CONFIG_INVALID');
    const where = body.problems.map((p) => [p.code, p.file, p.path, p.line]);
    expect(where).toContainEqual([
      'CONFIG_INVALID',
      'jobs/a_sql.yaml',
      'transform.0.with.expression',
      6,
    ]);
    expect(body.problems.find((p) => p.file === 'jobs/a_sql.yaml')?.message).toContain(
      'no such function: nosuch',
    );
    expect(body.problems.find((p) => p.file === 'jobs/b_expr.yaml')).toMatchObject({
      code: 'CONFIG_INVALID',
      line: 6,
    });
    const keys = body.problems.filter((p) => p.file === 'jobs/c_keys.yaml').map((p) => p.path);
    expect(keys).toEqual(
      expect.arrayContaining(['output.0.with.data_type', 'output.0.with.colour']),
    );
    expect(body.problems.some((p) => p.file === 'jobs/d_ok.yaml')).toBe(false);
  });

  it('refuses a config that references a secret that is not set', async () => {
    await api.rdi.del('sluice:secrets');
    const response = await create();
    expect(response.statusCode).toBe(400);
    expect(response.json<{ problems: Problem[] }>().problems[0]).toMatchObject({
      code: 'CONFIG_MISSING_SECRET',
      path: 'sources.pg.connection.password',
    });
  });

  it.each([
    ['169.254.169.254', 'ADDRESS_FORBIDDEN'],
    ['metadata.google.internal', 'ADDRESS_FORBIDDEN'],
    ['[fe80::1]', 'ADDRESS_FORBIDDEN'],
  ])('a dry run refuses to connect to %s', async (host, code) => {
    const config = configYaml(api.rdiPort).replace(
      'host: 127.0.0.1\n      port',
      `host: "${host}"\n      port`,
    );
    const response = await api.call({
      method: 'POST',
      url: '/api/v2/pipelines?dry_run=true',
      payload: { name: 'default', config },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code, path: 'sources.pg.connection' });
  });

  it('a dry run reports a source that does not answer', async () => {
    const closedPort = api.rdiPort === 1 ? 2 : 1;
    const config = configYaml(api.rdiPort).replace(
      `port: ${api.rdiPort}\n      database`,
      `port: ${closedPort}\n      database`,
    );
    const response = await api.call({
      method: 'PUT',
      url: '/api/v2/pipelines/default?dry_run=true',
      payload: { config },
    });
    expect(response.statusCode).toBe(502);
    expect(response.json()).toMatchObject({
      code: 'CONNECTION_FAILED',
      path: 'sources.pg.connection',
      retryable: true,
    });
  });

  it('names the field path of invalid bodies, params and queries (400)', async () => {
    const cases: [string, string, unknown, string][] = [
      ['POST', '/api/v2/pipelines', { config: 'x' }, 'body.name'],
      ['POST', '/api/v2/pipelines', { name: 'a b', config: 'x' }, 'body.name'],
      [
        'POST',
        '/api/v2/pipelines',
        { name: 'ok', config: 'x', jobs: { people: 3 } },
        'body.jobs.people',
      ],
      ['POST', '/api/v2/pipelines?dry_run=maybe', { name: 'ok', config: 'x' }, 'query.dry_run'],
      ['PUT', '/api/v2/pipelines/ok', { config: '' }, 'body.config'],
      ['GET', '/api/v2/pipelines/bad%20name', undefined, 'params.name'],
    ];
    for (const [method, url, payload, path] of cases) {
      const response = await api.call({
        method: method,
        url,
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      expect(response.statusCode, `${method} ${url}`).toBe(400);
      expect(response.json(), `${method} ${url}`).toMatchObject({ code: 'REQUEST_INVALID', path });
    }
  });
});

describe('start, stop, reset', () => {
  it('records the desired state for the operator', async () => {
    await create();
    const started = await api.call({ method: 'POST', url: '/api/v2/pipelines/default/start' });
    expect(started.statusCode).toBe(202);
    expect(started.json()).toMatchObject({ desired_state: 'started', reset_generation: 0 });
    expect(await api.rdi.hgetall(pipelineControlKey('default'))).toMatchObject({
      desired: 'started',
      updated_by: 'operator',
    });
    const stopped = await api.call({ method: 'POST', url: '/api/v2/pipelines/default/stop' });
    expect(stopped.json()).toMatchObject({ desired_state: 'stopped' });
    const reset = await api.call({ method: 'POST', url: '/api/v2/pipelines/default/reset' });
    expect(reset.json()).toMatchObject({ desired_state: 'started', reset_generation: 1 });
    expect(await api.rdi.hget(pipelineControlKey('default'), 'reset_target_keys')).toBe('false');
    const dropping = await api.call({
      method: 'POST',
      url: '/api/v2/pipelines/default/reset',
      payload: { drop_target_keys: true },
    });
    expect(dropping.json()).toMatchObject({ reset_generation: 2 });
    expect(
      await api.rdi.hmget(pipelineControlKey('default'), 'reset_generation', 'reset_target_keys'),
    ).toEqual(['2', 'true']);
    // Each request carries its own choice: a plain reset does not inherit the last one's.
    await api.call({ method: 'POST', url: '/api/v2/pipelines/default/reset', payload: {} });
    expect(await api.rdi.hget(pipelineControlKey('default'), 'reset_target_keys')).toBe('false');
    const invalid = await api.call({
      method: 'POST',
      url: '/api/v2/pipelines/default/reset',
      payload: { drop_target_keys: 'yes' },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({
      code: 'REQUEST_INVALID',
      path: 'body.drop_target_keys',
    });
    const pipeline = await api.call({ method: 'GET', url: '/api/v2/pipelines/default' });
    expect(pipeline.json()).toMatchObject({ desired_state: 'started' });
  });

  it('answers 404 for a pipeline that does not exist', async () => {
    for (const action of ['start', 'stop', 'reset']) {
      const response = await api.call({ method: 'POST', url: `/api/v2/pipelines/none/${action}` });
      expect(response.statusCode).toBe(404);
    }
    expect(await api.rdi.exists(pipelineControlKey('none'))).toBe(0);
  });
});
