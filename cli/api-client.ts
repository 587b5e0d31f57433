// HTTP client of the Sluice API: logs in when needed (password from SLUICE_PASSWORD or a
// hidden prompt), caches the token, retries once with a fresh login when a cached token is
// refused, and turns error bodies into ApiErrors. Callers name the response type from
// api/schemas/api-types.ts (Static<> of the route's own schema), never a shape of their own.

import type { ApiLoginBody, ApiLoginResult } from '../api/schemas/api-types.ts';
import { SluiceError } from '../common/errors.ts';
import { apiErrorOf } from './api-error.ts';
import type { CliIo } from './cli-io.ts';
import type { Target } from './contexts.ts';
import { cachedToken, forgetToken, storeToken } from './token-cache.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export class ApiClient {
  readonly #io: CliIo;
  readonly #target: Target;

  constructor(io: CliIo, target: Target) {
    this.#io = io;
    this.#target = target;
  }

  get pipeline(): string {
    return this.#target.context.pipeline ?? 'default';
  }

  /** Logs in with the password and caches the token; returns it. */
  async login(): Promise<string> {
    const { username } = this.#target.context;
    const password = await this.#password();
    const login: ApiLoginBody = { username, password };
    const body = (await this.#send('POST', '/api/v1/login', login, undefined)) as ApiLoginResult;
    await storeToken(this.#io, this.#target, body.access_token, body.expires_at);
    return body.access_token;
  }

  async logout(): Promise<void> {
    await forgetToken(this.#io, this.#target);
  }

  /** Calls a route without a token (e.g. /api/v2/info). */
  async open<Response>(method: Method, path: string): Promise<Response> {
    return (await this.#send(method, path, undefined, undefined)) as Response;
  }

  /**
   * Calls a protected route. `Response` is the route's response type from
   * api/schemas/api-types.ts; callers type the body with the route's body type (`satisfies`).
   */
  async request<Response>(method: Method, path: string, body?: unknown): Promise<Response> {
    return (await this.#request(method, path, body)) as Response;
  }

  async #request(method: Method, path: string, body: unknown): Promise<unknown> {
    const cached = await cachedToken(this.#io, this.#target);
    if (cached !== undefined) {
      try {
        return await this.#send(method, path, body, cached);
      } catch (error) {
        if (
          !(error instanceof SluiceError) ||
          !['AUTH_TOKEN_EXPIRED', 'AUTH_TOKEN_INVALID'].includes(error.code)
        ) {
          throw error;
        }
        await forgetToken(this.#io, this.#target);
      }
    }
    return this.#send(method, path, body, await this.login());
  }

  async #password(): Promise<string> {
    const fromEnv = this.#io.env.SLUICE_PASSWORD;
    if (fromEnv !== undefined) return fromEnv;
    if (!this.#io.interactive) {
      throw new SluiceError('AUTH_REQUIRED', 'A password is needed to log in.', {
        hint: 'set SLUICE_PASSWORD or run the command in a terminal',
      });
    }
    const { username, url } = this.#target.context;
    return this.#io.prompt(`Password for ${username} at ${url}: `, true);
  }

  async #send(
    method: Method,
    path: string,
    body: unknown,
    token: string | undefined,
  ): Promise<unknown> {
    const url = new URL(path, this.#target.context.url);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      throw new SluiceError('API_UNREACHABLE', `Cannot reach the API at ${url.origin}.`, {
        cause: error,
        hint: 'check the context URL (`sluice context list`) and that the api is running',
      });
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    if (!response.ok) throw apiErrorOf(response.status, parsed);
    return parsed;
  }
}
