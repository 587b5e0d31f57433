// What the api is given at its root: the RDI database client, how to check a login, the
// clock, the logger and the token settings. Nothing in the api creates its own.

import type { Redis } from 'ioredis';
import type { Clock, Logger } from '../processor/ports.ts';
import type { LoginThrottleSettings } from './auth/login-throttle.ts';
import type { RightsResolver } from './auth/user-rights.ts';
import type { HttpLimits } from './http/server-limits.ts';
import type { ConnectionTester } from './net/test-connections.ts';

/** Checks a user name and password against the RDI database; false when they are wrong. */
export type Authenticator = (username: string, password: string) => Promise<boolean>;

export interface TokenSettings {
  /** HS256 key, at least 32 bytes. */
  readonly secret: Uint8Array;
  /** Lifetime of a token in seconds. */
  readonly ttlSeconds: number;
}

export interface ApiDeps {
  /** Connection to the RDI database, authenticated with the api's own credentials. */
  readonly rdi: Redis;
  readonly authenticate: Authenticator;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly token: TokenSettings;
  /** Used by dry runs to reach sources and targets; refuses forbidden addresses. */
  readonly testConnections: ConnectionTester;
  /** Limits on failed logins; the defaults of auth/login-throttle.ts when absent. */
  readonly loginThrottle?: LoginThrottleSettings;
  /** A user's role; by default read from the RDI database's ACL (auth/user-rights.ts). */
  readonly rights?: RightsResolver;
  /** Request timeouts of the HTTP server; DEFAULT_HTTP_LIMITS where absent. */
  readonly httpLimits?: Partial<HttpLimits>;
  /**
   * Longest wait of a trace; `timeout_ms` above it is cut to it (e.g. below a proxy's idle
   * timeout). 120 s, the schema's maximum, when absent.
   */
  readonly maxTraceWaitMs?: number;
  /** Traces that may run at once (routes/trace.ts's default when absent). */
  readonly maxConcurrentTraces?: number;
  /** Reported by GET /api/v2/info. */
  readonly version: string;
}
