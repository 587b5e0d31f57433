// POST /api/v1/login: the RDI database's user name and password (checked by AUTH on a fresh
// connection) in exchange for a short-lived token. Same answer for an unknown user and a
// wrong password. Repeated failures from one address are throttled (auth/login-throttle.ts).

import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { SluiceError } from '../../common/errors.ts';
import { createLoginThrottle } from '../auth/login-throttle.ts';
import { issueToken } from '../auth/token.ts';
import type { ApiDeps } from '../deps.ts';
import { BODY_LIMITS } from '../http/server-limits.ts';
import { LoginBody, LoginResult } from '../schemas/auth.ts';
import { ErrorBody, errorResponses } from '../schemas/error-body.ts';

export function loginRoutes(deps: ApiDeps): FastifyPluginCallbackTypebox {
  const throttle = createLoginThrottle(deps.rdi, deps.clock, deps.loginThrottle);
  return (app, _options, done) => {
    app.post(
      '/api/v1/login',
      {
        bodyLimit: BODY_LIMITS.login,
        schema: {
          tags: ['auth'],
          summary: 'Log in with the RDI database credentials',
          body: LoginBody,
          response: { 200: LoginResult, ...errorResponses, 429: ErrorBody },
        },
      },
      async (request) => {
        const { username, password } = request.body;
        // Counted before the password is checked: see auth/login-throttle.ts.
        await throttle.reserve(username, request.ip);
        let accepted: boolean;
        try {
          accepted = await deps.authenticate(username, password);
        } catch (error) {
          await throttle.release(username, request.ip);
          throw error;
        }
        if (!accepted) {
          deps.logger.warn('Login refused.', { user: username, address: request.ip });
          throw new SluiceError('AUTH_FAILED', 'Wrong user name or password.');
        }
        await throttle.recordSuccess(username, request.ip);
        const issued = await issueToken(username, deps.token, deps.clock);
        request.user = username;
        return {
          access_token: issued.token,
          token_type: 'Bearer' as const,
          expires_in: deps.token.ttlSeconds,
          expires_at: issued.expiresAt,
        };
      },
    );
    done();
  };
}
