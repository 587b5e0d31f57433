// The api's three roles and what each route needs. Pure. A role includes the ones below it:
// viewer (read everything but secret values, dry-run jobs) < operator (deploy, start/stop/
// reset, replay DLQs, trace, introspect sources, test connections) < admin (set and delete
// secrets). Where a user's role comes from: auth/user-rights.ts.

export type Role = 'viewer' | 'operator' | 'admin';

export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

export function includesRole(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}

/**
 * Routes whose need differs from the rule "reads (GET, HEAD) need viewer, everything else
 * operator". Keyed by `METHOD route-pattern`, one place to read the whole policy.
 */
const EXCEPTIONS: Readonly<Record<string, Role>> = {
  // Runs a job on posted rows: reads nothing stored but secret names, writes nothing.
  'POST /api/v2/pipelines/jobs/dry-run': 'viewer',
  'POST /api/v1/pipelines/jobs/dry-run': 'viewer',
  'PUT /api/v2/secrets/:key': 'admin',
  'DELETE /api/v2/secrets/:key': 'admin',
};

/** The role a request to `route` (the route's pattern, e.g. `/api/v2/pipelines/:name`) needs. */
export function requiredRole(method: string, route: string): Role {
  const exception = EXCEPTIONS[`${method.toUpperCase()} ${route}`];
  if (exception !== undefined) return exception;
  return method === 'GET' || method === 'HEAD' ? 'viewer' : 'operator';
}
