// The guard of every protected route: a `Authorization: Bearer <jwt>` header with a valid,
// unexpired HS256 token. Registered inside the protected scope only, so login, info and the
// docs stay open.

import type { FastifyInstance } from 'fastify';
import { SluiceError } from '../../common/errors.ts';
import type { ApiDeps } from '../deps.ts';
import { verifyToken } from './token.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in user, set by the token guard. */
    user?: string;
  }
}

export function requireToken(app: FastifyInstance, deps: ApiDeps): void {
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
    if (match?.[1] === undefined) {
      throw new SluiceError('AUTH_REQUIRED', 'This route needs a token.', {
        hint: "log in (POST /api/v1/login) and send 'Authorization: Bearer <token>'",
      });
    }
    request.user = await verifyToken(match[1], deps.token, deps.clock);
  });
}

/** OpenAPI security requirement of protected routes. */
export const bearerSecurity = [{ bearerAuth: [] }];
