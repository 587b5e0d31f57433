// An error answered by the API, rebuilt on the client side with its catalogue code, its
// message, the field path and, for validation, every problem with file:line:column.

import type { ApiProblem } from '../api/schemas/api-types.ts';
import { errorCatalogue, SluiceError, type ErrorCode } from '../common/errors.ts';

export class ApiError extends SluiceError {
  readonly problems: readonly ApiProblem[];
  readonly httpStatus: number;
  override readonly path: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    httpStatus: number,
    problems: readonly ApiProblem[],
    path?: string,
  ) {
    // The API's message already names the key (` (at 'path')`): keep the path as a field only,
    // so the printed line does not say it twice.
    super(code, message);
    this.httpStatus = httpStatus;
    this.problems = problems;
    this.path = path;
  }
}

/** The ApiError of a response with a non-2xx status and (usually) an error body. */
export function apiErrorOf(status: number, body: unknown): ApiError {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const known = typeof record.code === 'string' && record.code in errorCatalogue;
  const code: ErrorCode = known ? (record.code as ErrorCode) : fallbackCode(status);
  const message =
    typeof record.message === 'string' ? record.message : `The API answered HTTP ${status}.`;
  const problems = Array.isArray(record.problems) ? (record.problems as ApiProblem[]) : [];
  const path = typeof record.path === 'string' ? record.path : undefined;
  return new ApiError(code, message, status, problems, path);
}

function fallbackCode(status: number): ErrorCode {
  if (status === 401) return 'AUTH_REQUIRED';
  if (status === 404) return 'ROUTE_NOT_FOUND';
  if (status === 409) return 'PIPELINE_CONFLICT';
  if (status >= 400 && status < 500) return 'REQUEST_INVALID';
  if (status === 503 || status === 502) return 'API_UNREACHABLE';
  return 'INTERNAL_ERROR';
}
