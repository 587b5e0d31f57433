// The UI's client of the REST API (same origin). The token lives in this object only — never
// in localStorage, sessionStorage or a cookie — so a reload logs out and no other page can read
// it. The session ends when the token expires (a timer) or the API refuses it (401).

import type { ApiErrorBody, ApiLoginBody, ApiLoginResult } from '../../api/schemas/api-types.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** An error the API answered (its error body), or a network failure (status 0). */
export class ApiFailure extends Error {
  readonly status: number;
  readonly body: ApiErrorBody;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.status = status;
    this.body = body;
  }
}

export interface Session {
  readonly username: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

export type SessionEndReason = 'logout' | 'expired' | 'refused';

export class ApiClient {
  #token: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #onEnd: (reason: SessionEndReason) => void;

  constructor(onEnd: (reason: SessionEndReason) => void) {
    this.#onEnd = onEnd;
  }

  async login(username: string, password: string): Promise<Session> {
    const body: ApiLoginBody = { username, password };
    const result = await this.#send<ApiLoginResult>('POST', '/api/v1/login', body, false);
    this.#token = result.access_token;
    const expiresAt = result.expires_at * 1000;
    clearTimeout(this.#timer);
    // setTimeout's limit is 2^31-1 ms; tokens live at most a day.
    this.#timer = setTimeout(
      () => {
        this.#end('expired');
      },
      Math.min(expiresAt - Date.now(), 2 ** 31 - 1),
    );
    return { username, expiresAt };
  }

  logout(): void {
    this.#end('logout');
  }

  async get<Response>(path: string): Promise<Response> {
    return this.#send<Response>('GET', path, undefined, true);
  }

  /** `body` is typed by the caller with the route's body type (`satisfies Api…Body`). */
  async post<Response>(path: string, body?: unknown): Promise<Response> {
    return this.#send<Response>('POST', path, body, true);
  }

  async put<Response>(path: string, body: unknown): Promise<Response> {
    return this.#send<Response>('PUT', path, body, true);
  }

  async delete(path: string): Promise<void> {
    await this.#send<unknown>('DELETE', path, undefined, true);
  }

  #end(reason: SessionEndReason): void {
    if (this.#token === undefined && reason !== 'logout') return;
    this.#token = undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#onEnd(reason);
  }

  async #send<Response>(
    method: Method,
    path: string,
    body: unknown,
    authorized: boolean,
  ): Promise<Response> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (authorized) {
      if (this.#token === undefined) {
        throw new ApiFailure(401, {
          code: 'AUTH_REQUIRED',
          message: 'Log in first.',
          retryable: false,
        });
      }
      headers.authorization = `Bearer ${this.#token}`;
    }
    let response: globalThis.Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        credentials: 'omit',
        cache: 'no-store',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiFailure(0, {
        code: 'API_UNREACHABLE',
        message: 'Cannot reach the API.',
        retryable: true,
      });
    }
    const text = await response.text();
    const parsed: unknown = text.length === 0 ? null : JSON.parse(text);
    if (!response.ok) {
      const error = errorBodyOf(response.status, parsed);
      if (authorized && response.status === 401) this.#end('refused');
      throw new ApiFailure(response.status, error);
    }
    return parsed as Response;
  }
}

function errorBodyOf(status: number, parsed: unknown): ApiErrorBody {
  if (typeof parsed === 'object' && parsed !== null && 'code' in parsed && 'message' in parsed) {
    return parsed as ApiErrorBody;
  }
  return { code: 'INTERNAL_ERROR', message: `The API answered HTTP ${status}.`, retryable: false };
}

/** Path of a pipeline route: `/api/v2/pipelines/<name><suffix>`. */
export function pipelinePath(name: string, suffix = ''): string {
  return `/api/v2/pipelines/${encodeURIComponent(name)}${suffix}`;
}

/** The message of any error, for a status line. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiFailure) return `${error.body.code}: ${error.body.message}`;
  return error instanceof Error ? error.message : String(error);
}
