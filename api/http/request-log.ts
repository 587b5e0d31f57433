// One log line per request: method, route pattern, status and duration. Never the body,
// headers or query string, which may hold passwords, tokens and secret values.

import type { FastifyInstance } from 'fastify';
import type { Clock, Logger } from '../../processor/ports.ts';

export function installRequestLog(app: FastifyInstance, logger: Logger, clock: Clock): void {
  const started = new WeakMap<object, number>();
  app.addHook('onRequest', (request, _reply, done) => {
    started.set(request, clock.now());
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    logger.info('request', {
      method: request.method,
      route: request.routeOptions.url ?? 'unknown',
      status: reply.statusCode,
      ms: clock.now() - (started.get(request) ?? clock.now()),
      ...(request.user === undefined ? {} : { user: request.user }),
    });
    done();
  });
}
