// Test fixture of the api: a private redis-server as RDI database with an ACL user, the app
// built on it with a fake clock and a log that keeps every line, and helpers to log in and
// call routes. Every response body is kept too, so tests can search them all for a canary.

import { Redis } from 'ioredis';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { startRedis } from '../../harness/redis.ts';
import { useTestContext } from '../../harness/test-context.ts';
import type { Logger } from '../../processor/ports.ts';
import { buildApp } from '../app.ts';
import { rdiAuthenticator } from '../auth/rdi-authenticator.ts';
import type { ApiDeps } from '../deps.ts';
import { connectionTester } from '../net/test-connections.ts';

export const USER = 'operator';
export const PASSWORD = 'correct horse battery staple';
export const TOKEN_TTL_SECONDS = 600;
export const TOKEN_SECRET = new TextEncoder().encode('0123456789abcdef0123456789abcdef-test');

export interface FakeClock {
  now(): number;
  advance(ms: number): void;
}

export interface ApiFixture {
  readonly app: FastifyInstance;
  readonly rdi: Redis;
  readonly rdiPort: number;
  readonly clock: FakeClock;
  /** Every log line the app wrote, as JSON text. */
  readonly logs: string[];
  /** Every response body the fixture's `call` received. */
  readonly bodies: string[];
  token(): Promise<string>;
  call(options: InjectOptions & { token?: string | false }): Promise<LightMyRequestResponse>;
}

export function useApiFixture(overrides: Partial<ApiDeps> = {}): ApiFixture {
  const ctx = useTestContext();
  let app: FastifyInstance | undefined;
  let rdi: Redis | undefined;
  let rdiPort = 0;
  let time = Date.UTC(2025, 0, 1);
  const logs: string[] = [];
  const bodies: string[] = [];
  const clock: FakeClock = { now: () => time, advance: (ms) => (time += ms) };
  const log =
    (level: string) =>
    (message: string, fields?: Readonly<Record<string, unknown>>): void => {
      logs.push(JSON.stringify({ level, message, ...fields }));
    };
  const logger: Logger = { info: log('info'), warn: log('warn'), error: log('error') };

  beforeAll(async () => {
    const server = await startRedis({
      dir: `${ctx.dir}/rdi`,
      registry: ctx.registry,
      maxmemory: '64mb',
    });
    rdiPort = server.port;
    rdi = new Redis(server.url);
    await rdi.call('ACL', 'SETUSER', USER, 'on', `>${PASSWORD}`, '~*', '&*', '+@all');
    app = await buildApp({
      rdi,
      authenticate: rdiAuthenticator({ host: '127.0.0.1', port: server.port }),
      clock,
      logger,
      token: { secret: TOKEN_SECRET, ttlSeconds: TOKEN_TTL_SECONDS },
      testConnections: connectionTester(2_000),
      version: 'test',
      ...overrides,
    });
  });
  afterAll(async () => {
    await app?.close();
    await rdi?.quit();
  });

  const fixture: ApiFixture = {
    get app() {
      if (app === undefined) throw new Error('the app is ready from beforeAll on');
      return app;
    },
    get rdi() {
      if (rdi === undefined) throw new Error('the RDI database is ready from beforeAll on');
      return rdi;
    },
    get rdiPort() {
      return rdiPort;
    },
    clock,
    logs,
    bodies,
    async token() {
      const response = await fixture.call({
        method: 'POST',
        url: '/api/v1/login',
        payload: { username: USER, password: PASSWORD },
        token: false,
      });
      return response.json<{ access_token: string }>().access_token;
    },
    async call({ token, ...options }) {
      const bearer = token === false ? undefined : (token ?? (await fixture.token()));
      const response = await fixture.app.inject({
        ...options,
        headers: {
          ...options.headers,
          ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }),
        },
      });
      bodies.push(response.body);
      return response;
    },
  };
  return fixture;
}

/** A valid config.yaml whose source and target are reachable (both point at `port`). */
export function configYaml(port: number, passwordRef = '${SOURCE_DB_PASSWORD}'): string {
  return `sources:
  pg:
    type: cdc
    connection:
      type: postgresql
      host: 127.0.0.1
      port: ${port}
      database: shop
      user: postgres
      password: ${passwordRef}
    schemas: [public]
    tables:
      people:
targets:
  target:
    connection:
      type: redis
      host: 127.0.0.1
      port: ${port}
`;
}

export const PEOPLE_JOB = `source:
  table: people
transform:
  - uses: filter
    with:
      expression: age > 17
output:
  - uses: redis.write
    with:
      data_type: hash
`;
