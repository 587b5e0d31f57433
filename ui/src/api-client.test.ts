// The UI's session: the token is sent as a Bearer header, the session ends when the token
// expires (by the clock, without a request) or when the API refuses it, and after logout no
// request carries a token.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiFailure, type SessionEndReason } from './api-client.ts';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

function reply(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

let ends: SessionEndReason[];
let requests: { url: string; authorization: string | undefined }[];
let answer: (url: string) => Response;

beforeEach(() => {
  vi.useFakeTimers({ now: NOW });
  ends = [];
  requests = [];
  answer = (url) =>
    url === '/api/v1/login'
      ? reply(200, {
          access_token: 'token-1',
          token_type: 'Bearer',
          expires_in: 900,
          expires_at: NOW / 1000 + 900,
        })
      : reply(200, { pipelines: [] });
  vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
    const headers = (init.headers ?? {}) as Record<string, string>;
    requests.push({ url, authorization: headers.authorization });
    return Promise.resolve(answer(url));
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

function client(): ApiClient {
  return new ApiClient((reason) => ends.push(reason));
}

describe('UI session', () => {
  it('sends the token as a Bearer header and ends the session when the token expires', async () => {
    const api = client();
    const session = await api.login('default', 'secret');
    expect(session).toEqual({ username: 'default', expiresAt: NOW + 900_000 });
    await api.get('/api/v2/pipelines');
    expect(requests.at(-1)).toEqual({ url: '/api/v2/pipelines', authorization: 'Bearer token-1' });

    vi.advanceTimersByTime(899_000);
    expect(ends).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(ends).toEqual(['expired']);
    await expect(api.get('/api/v2/pipelines')).rejects.toBeInstanceOf(ApiFailure);
    expect(requests).toHaveLength(2);
  });

  it('ends the session when the API refuses the token', async () => {
    const api = client();
    await api.login('default', 'secret');
    answer = () => reply(401, { code: 'AUTH_TOKEN_EXPIRED', message: 'expired', retryable: false });
    await expect(api.get('/api/v2/pipelines')).rejects.toMatchObject({
      status: 401,
      body: { code: 'AUTH_TOKEN_EXPIRED' },
    });
    expect(ends).toEqual(['refused']);
    vi.advanceTimersByTime(900_000);
    expect(ends).toEqual(['refused']);
  });

  it('forgets the token on logout', async () => {
    const api = client();
    await api.login('default', 'secret');
    api.logout();
    expect(ends).toEqual(['logout']);
    await expect(api.get('/api/v2/pipelines')).rejects.toMatchObject({ status: 401 });
    expect(requests.map((r) => r.url)).toEqual(['/api/v1/login']);
  });

  it('keeps no session after a failed login', async () => {
    answer = () => reply(401, { code: 'AUTH_FAILED', message: 'Wrong', retryable: false });
    const api = client();
    await expect(api.login('default', 'nope')).rejects.toMatchObject({
      body: { code: 'AUTH_FAILED' },
    });
    expect(ends).toEqual([]);
  });
});
