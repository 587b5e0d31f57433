// Login throttling against a real RDI database: failures are counted per (user name, address)
// and per address in windows of the api's clock; over the limit the password is not even
// checked (429 + Retry-After), a success clears the pair's count, and the window ends.
import { describe, expect, it } from 'vitest';
import { PASSWORD, USER, useApiFixture } from './testing/api-fixture.ts';

const WINDOW_MS = 60_000;
const api = useApiFixture({
  loginThrottle: { maxPerUserAndAddress: 3, maxPerAddress: 6, windowMs: WINDOW_MS },
});

async function login(
  username: string,
  password: string,
  address = '10.0.0.1',
): Promise<{ status: number; code: string | undefined; retryAfter: string | undefined }> {
  const response = await api.call({
    method: 'POST',
    url: '/api/v1/login',
    payload: { username, password },
    token: false,
    remoteAddress: address,
  });
  const header = response.headers['retry-after'];
  return {
    status: response.statusCode,
    code: response.json<{ code?: string }>().code,
    retryAfter: typeof header === 'string' ? header : undefined,
  };
}

describe('login throttling', () => {
  it('answers 429 with Retry-After after too many failures of one user from one address', async () => {
    for (let i = 0; i < 3; i += 1) {
      expect(await login(USER, 'wrong', '10.0.0.1')).toMatchObject({ status: 401 });
    }
    const throttled = await login(USER, PASSWORD, '10.0.0.1');
    expect(throttled).toMatchObject({ status: 429, code: 'LOGIN_THROTTLED', retryAfter: '60' });
    // The same user from another address is not locked out.
    expect(await login(USER, PASSWORD, '10.0.0.2')).toMatchObject({ status: 200 });
    // The window ends by the api's clock.
    api.clock.advance(WINDOW_MS);
    expect(await login(USER, PASSWORD, '10.0.0.1')).toMatchObject({ status: 200 });
  });

  it('clears the count of a user and address on success', async () => {
    api.clock.advance(WINDOW_MS);
    await login(USER, 'wrong', '10.0.0.3');
    await login(USER, 'wrong', '10.0.0.3');
    expect(await login(USER, PASSWORD, '10.0.0.3')).toMatchObject({ status: 200 });
    await login(USER, 'wrong', '10.0.0.3');
    await login(USER, 'wrong', '10.0.0.3');
    expect(await login(USER, PASSWORD, '10.0.0.3')).toMatchObject({ status: 200 });
  });

  it('limits one address guessing many user names', async () => {
    api.clock.advance(WINDOW_MS);
    for (let i = 0; i < 6; i += 1) {
      expect(await login(`user${String(i)}`, 'wrong', '10.0.0.4')).toMatchObject({ status: 401 });
    }
    expect(await login('someone-else', 'wrong', '10.0.0.4')).toMatchObject({
      status: 429,
      code: 'LOGIN_THROTTLED',
    });
  });

  it('keeps no user name in the RDI database key space', async () => {
    const keys = await api.rdi.keys('sluice:login-failures:*');
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).not.toContain(USER);
  });
});
