// Job names become file names (`jobs/<name>.yaml`) where the operator runs a pipeline: the api
// refuses every name that is not a plain job name, with a 400 naming the field, on create,
// replace and patch, and stores nothing.
import { beforeEach, describe, expect, it } from 'vitest';
import { pipelineJobsKey } from '../pipeline/redis-keys.ts';
import { configYaml, PEOPLE_JOB, useApiFixture } from './testing/api-fixture.ts';

const api = useApiFixture();

beforeEach(async () => {
  await api.rdi.flushdb();
  await api.rdi.hset('sluice:secrets', 'SOURCE_DB_PASSWORD', 'pw');
});

const BAD_NAMES = ['../../../x', '..', 'a/b', 'x\u0000y', 'x\r\ny', '.hidden', 'a..b'];

describe('job names', () => {
  it.each(BAD_NAMES)(
    'refuses %j on create, replace and patch with a 400 naming the field',
    async (name) => {
      const config = configYaml(api.rdiPort);
      const requests = [
        {
          method: 'POST' as const,
          url: '/api/v2/pipelines',
          payload: { name: 'p', config, jobs: { [name]: PEOPLE_JOB } },
        },
        {
          method: 'PUT' as const,
          url: '/api/v2/pipelines/p',
          payload: { config, jobs: { [name]: PEOPLE_JOB } },
        },
      ];
      for (const request of requests) {
        const response = await api.call(request);
        expect(response.statusCode, request.method).toBe(400);
        expect(response.json<{ code: string; path: string }>()).toMatchObject({
          code: 'REQUEST_INVALID',
          path: expect.stringMatching(/^body\.jobs/) as unknown,
        });
      }
      expect(await api.rdi.exists(pipelineJobsKey('p'))).toBe(0);

      const created = await api.call({
        method: 'PUT',
        url: '/api/v2/pipelines/p',
        payload: { config },
      });
      expect(created.statusCode).toBe(200);
      const patched = await api.call({
        method: 'PATCH',
        url: '/api/v2/pipelines/p',
        payload: { jobs: { [name]: PEOPLE_JOB } },
      });
      expect(patched.statusCode).toBe(400);
      expect(patched.json<{ path: string }>().path).toMatch(/^body\.jobs/);
      expect(await api.rdi.hkeys(pipelineJobsKey('p'))).toEqual([]);
    },
  );

  it('accepts plain names', async () => {
    const response = await api.call({
      method: 'PUT',
      url: '/api/v2/pipelines/p',
      payload: { config: configYaml(api.rdiPort), jobs: { 'people.v2': PEOPLE_JOB } },
    });
    expect(response.statusCode).toBe(200);
  });
});
