// Answers a request whose path exists under other methods with 405 and an `Allow` header
// (RFC 9110) instead of 404: it tells a client its method is the mistake, not the path.
// Every route is recorded as it is added; the not-found handler asks which methods match.

import type { FastifyInstance } from 'fastify';

export interface RouteMethods {
  /** Methods of the routes whose pattern matches `path`, sorted; empty when none does. */
  allowed(path: string): string[];
}

/** Must be installed before the routes are added. */
export function recordRouteMethods(app: FastifyInstance): RouteMethods {
  const routes: { pattern: RegExp; methods: string[] }[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    routes.push({ pattern: patternOf(route.url), methods: methods.map(String) });
  });
  return {
    allowed(path) {
      const methods = new Set<string>();
      for (const route of routes) {
        if (route.pattern.test(path)) for (const method of route.methods) methods.add(method);
      }
      if (methods.has('GET')) methods.add('HEAD');
      return [...methods].sort();
    },
  };
}

/** `/api/v2/pipelines/:name` → a RegExp matching one path segment per parameter. */
function patternOf(url: string): RegExp {
  const source = url
    .split(/(:[A-Za-z0-9_]+|\*)/)
    .map((part) => {
      if (part === '*') return '.*';
      if (part.startsWith(':')) return '[^/]+';
      return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}/?$`);
}
