// Secrets are write-only: set, list names, delete — and a planted canary value never shows up
// in any response body or any log line, whatever route is called (including failing ones).
import { describe, expect, it } from 'vitest';
import { SECRETS_KEY } from '../pipeline/redis-keys.ts';
import { configYaml, PEOPLE_JOB, useApiFixture } from './testing/api-fixture.ts';

const api = useApiFixture();
const CANARY = 'canary-5b1e0c7f-do-not-leak';

describe('secrets', () => {
  it('sets, lists and deletes secrets without ever returning a value', async () => {
    const set = await api.call({
      method: 'PUT',
      url: '/api/v2/secrets/SOURCE_DB_PASSWORD',
      payload: { value: CANARY },
    });
    expect(set.statusCode).toBe(201);
    expect(set.json()).toEqual({ name: 'SOURCE_DB_PASSWORD' });
    const again = await api.call({
      method: 'PUT',
      url: '/api/v2/secrets/SOURCE_DB_PASSWORD',
      payload: { value: CANARY },
    });
    expect(again.statusCode).toBe(200);
    await api.call({
      method: 'PUT',
      url: '/api/v2/secrets/TARGET_DB_PASSWORD',
      payload: { value: `${CANARY}-2` },
    });
    expect(await api.rdi.hget(SECRETS_KEY, 'SOURCE_DB_PASSWORD')).toBe(CANARY);

    const list = await api.call({ method: 'GET', url: '/api/v2/secrets' });
    expect(list.json()).toEqual({
      secrets: [{ name: 'SOURCE_DB_PASSWORD' }, { name: 'TARGET_DB_PASSWORD' }],
    });

    expect(
      (await api.call({ method: 'DELETE', url: '/api/v2/secrets/TARGET_DB_PASSWORD' })).statusCode,
    ).toBe(204);
    const gone = await api.call({ method: 'DELETE', url: '/api/v2/secrets/TARGET_DB_PASSWORD' });
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ code: 'SECRET_NOT_FOUND' });
  });

  it('refuses invalid names and bodies with the field path', async () => {
    const badName = await api.call({
      method: 'PUT',
      url: '/api/v2/secrets/not-valid',
      payload: { value: CANARY },
    });
    expect(badName.json()).toMatchObject({ code: 'REQUEST_INVALID', path: 'params.key' });
    const badBody = await api.call({
      method: 'PUT',
      url: '/api/v2/secrets/OK',
      payload: { value: 7, note: CANARY },
    });
    expect(badBody.statusCode).toBe(400);
    expect(badBody.json<{ path: string }>().path).toMatch(/^body\./);
  });

  it('never puts the canary in a response or a log line', async () => {
    await api.call({
      method: 'PUT',
      url: '/api/v2/secrets/SOURCE_DB_PASSWORD',
      payload: { value: CANARY },
    });
    // Routes that read or use the secret: validation, dry run with connection tests, status.
    const config = configYaml(api.rdiPort);
    await api.call({
      method: 'POST',
      url: '/api/v2/pipelines?dry_run=true',
      payload: { name: 'default', config },
    });
    await api.call({
      method: 'POST',
      url: '/api/v2/pipelines',
      payload: { name: 'default', config, jobs: { people: PEOPLE_JOB } },
    });
    // A target that refuses the password: the error must not quote it.
    const refused = config.replace(
      /targets:[\s\S]*$/,
      `targets:\n  target:\n    connection:\n      type: redis\n      host: 127.0.0.1\n      port: ${api.rdiPort}\n      user: operator\n      password: \${SOURCE_DB_PASSWORD}\n`,
    );
    const failed = await api.call({
      method: 'PUT',
      url: '/api/v2/pipelines/default?dry_run=true',
      payload: { config: refused },
    });
    expect(failed.statusCode).toBe(502);
    // A config whose invalid value is the secret itself.
    const badPort = config.replace(
      `port: ${api.rdiPort}\n      database`,
      'port: ${SOURCE_DB_PASSWORD}\n      database',
    );
    expect(
      (
        await api.call({
          method: 'PUT',
          url: '/api/v2/pipelines/default',
          payload: { config: badPort },
        })
      ).statusCode,
    ).toBe(400);
    await api.call({ method: 'GET', url: '/api/v2/pipelines/default' });
    await api.call({ method: 'GET', url: '/api/v2/pipelines/default/status' });
    await api.call({ method: 'GET', url: '/api/v2/secrets' });
    await api.call({
      method: 'POST',
      url: '/api/v1/login',
      payload: { username: 'operator', password: CANARY },
      token: false,
    });

    expect(api.bodies.length).toBeGreaterThan(10);
    expect(api.logs.length).toBeGreaterThan(10);
    for (const text of [...api.bodies, ...api.logs]) expect(text).not.toContain(CANARY);
  });
});
