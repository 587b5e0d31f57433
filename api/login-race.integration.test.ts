// The login throttle's check and count are one atomic step: 200 parallel attempts for one user
// from one address check at most the limit's number of passwords, however they interleave.
import { describe, expect, it } from 'vitest';
import type { Authenticator } from './deps.ts';
import { useApiFixture } from './testing/api-fixture.ts';

const LIMIT = 5;
let checked = 0;
// A slow wrong-password check, so that every attempt is in flight at once.
const slowRefusal: Authenticator = async () => {
  checked += 1;
  await new Promise((resolve) => setTimeout(resolve, 20));
  return false;
};
const api = useApiFixture({
  authenticate: slowRefusal,
  loginThrottle: { maxPerUserAndAddress: LIMIT, maxPerAddress: 1000, windowMs: 60_000 },
});

describe('login throttling under parallel attempts', () => {
  it('checks no more passwords than the limit and throttles the rest', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 200 }, () =>
        api
          .call({
            method: 'POST',
            url: '/api/v1/login',
            payload: { username: 'victim', password: 'guess' },
            token: false,
            remoteAddress: '10.9.9.9',
          })
          .then((response) => response.statusCode),
      ),
    );
    expect(checked).toBe(LIMIT);
    expect(statuses.filter((status) => status === 401)).toHaveLength(LIMIT);
    expect(statuses.filter((status) => status === 429)).toHaveLength(200 - LIMIT);
  });
});
