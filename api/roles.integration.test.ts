// Rights come from the RDI database's ACL: a user who may write the secrets hash is admin, one
// who may write pipeline definitions is operator, one who may read them is viewer, anyone else
// may do nothing. A user deleted or disabled after login loses access within seconds.
import { beforeAll, describe, expect, it } from 'vitest';
import { RIGHTS_CACHE_MS } from './auth/user-rights.ts';
import { configYaml, useApiFixture } from './testing/api-fixture.ts';

const api = useApiFixture();
const PW = 'role test password';

const USERS: Record<string, string[]> = {
  viewer: ['%R~sluice:*', '+@read'],
  deployer: ['%R~sluice:*', '%RW~sluice:pipeline:*', '+@read', '+@write'],
  admin: ['~*', '+@all'],
  nobody: ['-@all'],
};

async function tokenOf(username: string): Promise<string> {
  const response = await api.call({
    method: 'POST',
    url: '/api/v1/login',
    payload: { username, password: PW },
    token: false,
  });
  expect(response.statusCode, `login of ${username}`).toBe(200);
  return response.json<{ access_token: string }>().access_token;
}

async function status(
  token: string,
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  url: string,
  payload?: object,
) {
  const response = await api.call({
    method,
    url,
    token,
    ...(payload === undefined ? {} : { payload }),
  });
  const code = response.body === '' ? undefined : response.json<{ code?: string }>().code;
  return { status: response.statusCode, code };
}

beforeAll(async () => {
  for (const [name, rules] of Object.entries(USERS)) {
    await api.rdi.call('ACL', 'SETUSER', name, 'reset', 'on', `>${PW}`, ...rules);
  }
  await api.rdi.hset('sluice:secrets', 'SOURCE_DB_PASSWORD', 'pw');
  const created = await api.call({
    method: 'PUT',
    url: '/api/v2/pipelines/p',
    payload: { config: configYaml(api.rdiPort) },
  });
  expect(created.statusCode).toBe(200);
});

describe('roles from the ACL', () => {
  it('lets a viewer read and dry-run, but not deploy, control or touch secrets', async () => {
    const token = await tokenOf('viewer');
    expect(await status(token, 'GET', '/api/v2/pipelines')).toMatchObject({ status: 200 });
    expect(await status(token, 'GET', '/api/v2/secrets')).toMatchObject({ status: 200 });
    const dryRun = { job: 'source:\n  table: people\n', input_data: [{ id: 1 }] };
    expect(await status(token, 'POST', '/api/v2/pipelines/jobs/dry-run', dryRun)).toMatchObject({
      status: 200,
    });
    for (const [method, url] of [
      ['POST', '/api/v2/pipelines/p/start'],
      ['POST', '/api/v2/pipelines/p/reset'],
      ['DELETE', '/api/v2/pipelines/p'],
      ['PUT', '/api/v2/secrets/X'],
      ['DELETE', '/api/v2/secrets/SOURCE_DB_PASSWORD'],
    ] as const) {
      const payload = method === 'PUT' ? { value: 'v' } : undefined;
      expect(await status(token, method, url, payload), `${method} ${url}`).toEqual({
        status: 403,
        code: 'PERMISSION_DENIED',
      });
    }
  });

  it('lets an operator control pipelines but not set or delete secrets', async () => {
    const token = await tokenOf('deployer');
    expect(await status(token, 'POST', '/api/v2/pipelines/p/start')).toMatchObject({ status: 202 });
    expect(await status(token, 'POST', '/api/v2/pipelines/p/reset')).toMatchObject({ status: 202 });
    expect(await status(token, 'PUT', '/api/v2/secrets/X', { value: 'v' })).toMatchObject({
      status: 403,
    });
    expect(await status(token, 'DELETE', '/api/v2/secrets/SOURCE_DB_PASSWORD')).toMatchObject({
      status: 403,
    });
    expect(await api.rdi.hget('sluice:secrets', 'SOURCE_DB_PASSWORD')).toBe('pw');
  });

  it('lets an admin set and delete secrets', async () => {
    const token = await tokenOf('admin');
    expect(await status(token, 'PUT', '/api/v2/secrets/X', { value: 'v' })).toMatchObject({
      status: 201,
    });
    expect(await status(token, 'DELETE', '/api/v2/secrets/X')).toMatchObject({ status: 204 });
  });

  it('gives a user with no rights on Sluice keys nothing', async () => {
    const token = await tokenOf('nobody');
    expect(await status(token, 'GET', '/api/v2/pipelines')).toEqual({
      status: 403,
      code: 'PERMISSION_DENIED',
    });
  });

  it.each([
    ['deleted', ['ACL', 'DELUSER', 'leaver']],
    ['disabled', ['ACL', 'SETUSER', 'leaver', 'off']],
  ])('refuses a user %s after login within the rights cache time', async (_how, command) => {
    await api.rdi.call('ACL', 'SETUSER', 'leaver', 'reset', 'on', `>${PW}`, '~*', '+@all');
    const token = await tokenOf('leaver');
    expect(await status(token, 'GET', '/api/v2/pipelines')).toMatchObject({ status: 200 });
    await api.rdi.call(...(command as [string, ...string[]]));
    api.clock.advance(RIGHTS_CACHE_MS + 1);
    expect(await status(token, 'GET', '/api/v2/pipelines')).toEqual({
      status: 401,
      code: 'AUTH_TOKEN_INVALID',
    });
  });

  it('applies a role taken away within the rights cache time', async () => {
    await api.rdi.call('ACL', 'SETUSER', 'demoted', 'reset', 'on', `>${PW}`, '~*', '+@all');
    const token = await tokenOf('demoted');
    expect(await status(token, 'PUT', '/api/v2/secrets/Y', { value: 'v' })).toMatchObject({
      status: 201,
    });
    await api.rdi.call(
      'ACL',
      'SETUSER',
      'demoted',
      'reset',
      'on',
      `>${PW}`,
      ...(USERS.viewer ?? []),
    );
    api.clock.advance(RIGHTS_CACHE_MS + 1);
    expect(await status(token, 'PUT', '/api/v2/secrets/Y', { value: 'w' })).toMatchObject({
      status: 403,
    });
  });
});
