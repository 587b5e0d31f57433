// Turns every failure into the one error body {code, message, path?, retryable}: catalogue
// errors as they are, request validation into REQUEST_INVALID naming the field path, and
// anything unexpected into INTERNAL_ERROR (logged, never shown to the client). Errors Fastify
// raises before routing (a bad URL, a parameter too long: 414) and unknown routes (404, or 405
// with `Allow` when the path exists under other methods) get the same body.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorCatalogue, isSluiceError, type ErrorCode } from '../../common/errors.ts';
import type { Logger } from '../../processor/ports.ts';
import type { ErrorBody } from '../schemas/error-body.ts';
import type { RouteMethods } from './method-not-allowed.ts';
import { ProblemsError } from './problems-error.ts';

export function installErrorHandler(
  app: FastifyInstance,
  logger: Logger,
  routes: RouteMethods,
): void {
  const notFound = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = routes.allowed(path);
    if (allowed.length > 0) {
      const body = make(
        'METHOD_NOT_ALLOWED',
        `${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}.`,
      );
      return reply.status(405).header('allow', allowed.join(', ')).send(body);
    }
    return reply.status(404).send(make('ROUTE_NOT_FOUND', `No route ${request.method} ${path}.`));
  };
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    // No route matched, and reading the body failed first (QUERY without a Content-Type):
    // the answer is still about the route.
    if (request.is404) return notFound(request, reply);
    const body = errorBody(error);
    const status = errorCatalogue[body.code as ErrorCode].status;
    if (status >= 500) {
      logger.error('Request failed.', {
        method: request.method,
        route: request.routeOptions.url ?? 'unknown',
        code: body.code,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    if (isSluiceError(error) && error.retryAfterSeconds !== undefined) {
      void reply.header('retry-after', String(error.retryAfterSeconds));
    }
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler(notFound);
}

/**
 * Fastify's `frameworkErrors` option: errors raised before a route is chosen, which the error
 * handler never sees (Fastify would answer them in its own format).
 */
export function frameworkErrorReply(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const body =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? make('URI_TOO_LONG', 'A path parameter is too long.')
      : make('REQUEST_INVALID', 'The URL is not valid.');
  void reply
    .status(errorCatalogue[body.code as ErrorCode].status)
    .header('content-type', 'application/json; charset=utf-8')
    .send(body);
}

export function errorBody(error: unknown): ErrorBody {
  if (error instanceof ProblemsError) {
    return { ...make(error.code, error.message, error.path), problems: [...error.problems] };
  }
  if (isSluiceError(error)) return make(error.code, error.message, error.path);
  if (isFastifyError(error)) {
    if (error.validation !== undefined) {
      // The deepest error is the most specific: for a body of several shapes (a union) it
      // names the field that fits none, not just the body.
      const first = [...error.validation].sort(
        (a, b) => b.instancePath.length - a.instancePath.length,
      )[0];
      const path = fieldPath(error.validationContext, first?.instancePath ?? '');
      return make('REQUEST_INVALID', `${path}: ${first?.message ?? 'is invalid'}`, path);
    }
    if (error.statusCode === 413)
      return make('REQUEST_TOO_LARGE', 'The request body is too large.');
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return make('REQUEST_INVALID', error.message);
    }
  }
  return make('INTERNAL_ERROR', 'Internal error; the api log has the details.');
}

function make(code: ErrorCode, message: string, path?: string): ErrorBody {
  return {
    code,
    message,
    ...(path === undefined ? {} : { path }),
    retryable: errorCatalogue[code].retryable,
  };
}

/** `body.sources.pg.port` from validation context `body` and JSON pointer `/sources/pg/port`. */
function fieldPath(context: string | undefined, pointer: string): string {
  const part = context === 'querystring' ? 'query' : (context ?? 'request');
  const keys = pointer
    .split('/')
    .slice(1)
    .map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
  return [part, ...keys].join('.');
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && 'code' in error && typeof error.code === 'string';
}
