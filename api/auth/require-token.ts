// The guard of every protected route: a `Authorization: Bearer <jwt>` header with a valid,
// unexpired HS256 token, of a user who still exists, is enabled and holds the role the route
// needs (auth/roles.ts, from the RDI database's ACL: auth/user-rights.ts). Registered inside
// the protected scope only, so login, info and the docs stay open. It runs before the body
// is read: an unauthenticated request costs no body parsing.

import type { FastifyInstance } from 'fastify';
import { SluiceError } from '../../common/errors.ts';
import type { ApiDeps } from '../deps.ts';
import { includesRole, requiredRole, type Role } from './roles.ts';
import { verifyToken } from './token.ts';
import type { RightsResolver } from './user-rights.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in user, set by the token guard. */
    user?: string;
    /** The logged-in user's role, set by the token guard. */
    role?: Role;
  }
}

export function requireToken(app: FastifyInstance, deps: ApiDeps, rights: RightsResolver): void {
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
    if (match?.[1] === undefined) {
      throw new SluiceError('AUTH_REQUIRED', 'This route needs a token.', {
        hint: "log in (POST /api/v1/login) and send 'Authorization: Bearer <token>'",
      });
    }
    const user = await verifyToken(match[1], deps.token, deps.clock);
    const role = await rights(user);
    request.user = user;
    const needed = requiredRole(request.method, request.routeOptions.url ?? '');
    if (role === undefined || !includesRole(role, needed)) {
      throw new SluiceError(
        'PERMISSION_DENIED',
        `This needs the ${needed} role; user '${user}' has ${role === undefined ? 'none' : `the ${role} role`}.`,
        { hint: 'roles come from the RDI database ACL of the user: see docs/api.md, "Roles"' },
      );
    }
    request.role = role;
  });
}

/** OpenAPI security requirement of protected routes. */
export const bearerSecurity = [{ bearerAuth: [] }];
