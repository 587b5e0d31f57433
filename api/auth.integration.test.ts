// Authentication against a real RDI database: login by AUTH with ACL users, and the token
// guard on every protected route (no token, tampered, alg none, expired, foreign key → 401).
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { PASSWORD, TOKEN_TTL_SECONDS, USER, useApiFixture } from './testing/api-fixture.ts';

const api = useApiFixture();

const PROTECTED: readonly [string, string][] = [
  ['GET', '/api/v2/pipelines'],
  ['POST', '/api/v2/pipelines'],
  ['GET', '/api/v2/pipelines/default'],
  ['PUT', '/api/v2/pipelines/default'],
  ['PATCH', '/api/v2/pipelines/default'],
  ['DELETE', '/api/v2/pipelines/default'],
  ['POST', '/api/v2/pipelines/default/start'],
  ['POST', '/api/v2/pipelines/default/stop'],
  ['POST', '/api/v2/pipelines/default/reset'],
  ['GET', '/api/v2/pipelines/default/status'],
  ['GET', '/api/v2/pipelines/default/dlqs'],
  ['GET', '/api/v2/pipelines/default/dlqs/pg.public.people/records'],
  ['POST', '/api/v2/pipelines/default/dlqs/pg.public.people/replay'],
  ['GET', '/api/v2/secrets'],
  ['PUT', '/api/v2/secrets/SOURCE_DB_PASSWORD'],
  ['DELETE', '/api/v2/secrets/SOURCE_DB_PASSWORD'],
  ['POST', '/api/v2/pipelines/jobs/dry-run'],
  ['POST', '/api/v1/pipelines/jobs/dry-run'],
  ['POST', '/api/v2/pipelines/default/trace'],
  ['GET', '/api/v2/pipelines/default/source-schemas/pg'],
  ['POST', '/api/v2/source-schemas'],
];

function b64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

async function expect401(token: string | false, code: string): Promise<void> {
  for (const [method, url] of PROTECTED) {
    const response = await api.call({ method: method, url, token, payload: {} });
    expect(response.statusCode, `${method} ${url}`).toBe(401);
    expect(response.json<{ code: string }>().code, `${method} ${url}`).toBe(code);
  }
}

describe('login', () => {
  it('exchanges the RDI database credentials of an ACL user for a short-lived token', async () => {
    const response = await api.call({
      method: 'POST',
      url: '/api/v1/login',
      payload: { username: USER, password: PASSWORD },
      token: false,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<{ access_token: string; expires_in: number; token_type: string }>();
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(TOKEN_TTL_SECONDS);
    const [header] = body.access_token.split('.');
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toMatchObject({
      alg: 'HS256',
    });
  });

  it.each([
    [USER, 'wrong password'],
    ['nobody', PASSWORD],
  ])(
    'refuses %s with a wrong password or unknown user (401, same answer)',
    async (username, password) => {
      const response = await api.call({
        method: 'POST',
        url: '/api/v1/login',
        payload: { username, password },
        token: false,
      });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({
        code: 'AUTH_FAILED',
        message: 'Wrong user name or password.',
      });
    },
  );

  it('refuses a disabled user', async () => {
    await api.rdi.call('ACL', 'SETUSER', 'retired', 'off', '>pw-of-retired', '+@all');
    const response = await api.call({
      method: 'POST',
      url: '/api/v1/login',
      payload: { username: 'retired', password: 'pw-of-retired' },
      token: false,
    });
    expect(response.statusCode).toBe(401);
  });

  it('names the missing or wrong field of an invalid body (400)', async () => {
    const missing = await api.call({
      method: 'POST',
      url: '/api/v1/login',
      payload: { username: USER },
      token: false,
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ code: 'REQUEST_INVALID', path: 'body.password' });
    const wrongType = await api.call({
      method: 'POST',
      url: '/api/v1/login',
      payload: { username: 42, password: 'x' },
      token: false,
    });
    expect(wrongType.json()).toMatchObject({ code: 'REQUEST_INVALID', path: 'body.username' });
    const extra = await api.call({
      method: 'POST',
      url: '/api/v1/login',
      payload: { username: USER, password: 'x', role: 'admin' },
      token: false,
    });
    expect(extra.json()).toMatchObject({ code: 'REQUEST_INVALID', path: 'body.role' });
  });

  it('answers a body that is not JSON with 400', async () => {
    const response = await api.call({
      method: 'POST',
      url: '/api/v1/login',
      payload: '{"username":',
      headers: { 'content-type': 'application/json' },
      token: false,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'REQUEST_INVALID' });
  });
});

describe('open routes', () => {
  it('serves info, the OpenAPI document and the docs without a token', async () => {
    const info = await api.call({ method: 'GET', url: '/api/v2/info', token: false });
    expect(info.json()).toEqual({ name: 'sluice', version: 'test', api_versions: ['v1', 'v2'] });
    const openapi = await api.call({ method: 'GET', url: '/openapi.json', token: false });
    const doc = openapi.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toBe('3.1.0');
    for (const [, url] of PROTECTED) {
      const path = url
        .replace('/default', '/{name}')
        .replace('pg.public.people', '{table}')
        .replace('SOURCE_DB_PASSWORD', '{key}')
        .replace('source-schemas/pg', 'source-schemas/{source}');
      expect(Object.keys(doc.paths)).toContain(path);
    }
    const docs = await api.call({ method: 'GET', url: '/docs/', token: false });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  it('answers an unknown route with the catalogue error body', async () => {
    const response = await api.call({ method: 'GET', url: '/api/v2/nothing', token: false });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      code: 'ROUTE_NOT_FOUND',
      message: 'No route GET /api/v2/nothing.',
      retryable: false,
    });
  });
});

describe('token guard', () => {
  it('accepts a valid token on a protected route', async () => {
    const response = await api.call({ method: 'GET', url: '/api/v2/pipelines' });
    expect(response.statusCode).toBe(200);
  });

  it('refuses every protected route without a token', async () => {
    await expect401(false, 'AUTH_REQUIRED');
  });

  it('refuses a token whose payload was tampered with', async () => {
    const [header, payload, signature] = (await api.token()).split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const forged = `${header ?? ''}.${b64url({ ...claims, sub: 'admin' })}.${signature ?? ''}`;
    await expect401(forged, 'AUTH_TOKEN_INVALID');
  });

  it('refuses a token with a changed signature', async () => {
    const token = await api.token();
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    await expect401(`${token.slice(0, -2)}${last}${token.slice(-1)}`, 'AUTH_TOKEN_INVALID');
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const [, payload] = (await api.token()).split('.');
    await expect401(
      `${b64url({ alg: 'none', typ: 'JWT' })}.${payload ?? ''}.`,
      'AUTH_TOKEN_INVALID',
    );
  });

  it('refuses a token signed with another key or algorithm', async () => {
    const now = Math.floor(api.clock.now() / 1000);
    const other = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(USER)
      .setIssuer('sluice')
      .setAudience('sluice-api')
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode('another-secret-another-secret-another'));
    await expect401(other, 'AUTH_TOKEN_INVALID');
  });

  it('refuses an expired token', async () => {
    const token = await api.token();
    api.clock.advance((TOKEN_TTL_SECONDS + 1) * 1000);
    await expect401(token, 'AUTH_TOKEN_EXPIRED');
  });

  it('refuses a malformed Authorization header', async () => {
    const response = await api.app.inject({
      method: 'GET',
      url: '/api/v2/pipelines',
      headers: { authorization: 'Basic b3BlcmF0b3I6eA==' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'AUTH_REQUIRED' });
  });
});
