// Limits of the api's HTTP server against clients that hold resources without paying for
// them: slow headers or bodies (slowloris), idle keep-alive connections, and bodies sent to a
// route that answers before reading them. Route body limits are set on each route.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

export interface HttpLimits {
  /** Time to receive a request's headers, from the connection's start (Node: 408 after). */
  readonly headersTimeoutMs: number;
  /** Time to receive a whole request, headers and body. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  readonly keepAliveTimeoutMs: number;
  /** How often Node checks the two request timeouts above. */
  readonly checkIntervalMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
};

/** Body limits per kind of route (bytes). Fastify checks Content-Length before reading. */
export const BODY_LIMITS = {
  /** Login: a user name and a password. */
  login: 16 * 1024,
  /** A secret value (64 KiB of text, JSON-escaped). */
  secret: 512 * 1024,
  /** Small JSON bodies: control, trace, replay ids, introspection details. */
  small: 64 * 1024,
  /** A pipeline folder: config.yaml and its jobs. */
  pipeline: 8 * 1024 * 1024,
} as const;

/** A Fastify serverFactory whose Node server enforces `limits`. */
export function limitedServerFactory(
  limits: HttpLimits,
): (handler: (request: IncomingMessage, response: ServerResponse) => void) => Server {
  return (handler) => {
    const server = createServer(
      {
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        keepAliveTimeout: limits.keepAliveTimeoutMs,
        connectionsCheckingInterval: limits.checkIntervalMs,
      },
      handler,
    );
    return server;
  };
}

/** How long a refused body may still be read after the reply, so the client can see it. */
const LINGER_MS = 1_000;

/**
 * A reply sent before the request's body was read (401, 403, 404, 405, 413…) closes the
 * connection: otherwise Node reads and discards the whole body to keep the connection alive,
 * so a client could make the server read 500 MB it has refused already. The socket lingers a
 * moment (as web servers do) so that a client still sending gets the answer, not a reset.
 */
export function closeConnectionsWithUnreadBodies(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!request.raw.complete) void reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onResponse', (request, _reply, done) => {
    const socket = request.raw.socket as Socket | null;
    // inject() has a stand-in socket without destroy(): only real connections linger.
    if (!request.raw.complete && typeof socket?.destroy === 'function' && !socket.destroyed) {
      const timer = setTimeout(() => socket.destroy(), LINGER_MS);
      timer.unref();
      socket.once('close', () => {
        clearTimeout(timer);
      });
    }
    done();
  });
}
