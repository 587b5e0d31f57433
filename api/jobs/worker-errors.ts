// Errors across the expression worker's message port: a SluiceError (or ProblemsError) goes
// over as plain data and comes back as the same coded error, message unchanged. A RangeError
// (stack or string length exhausted inside user expressions) is a limit, never a 500.

import { isSluiceError, SluiceError, type ErrorCode } from '../../common/errors.ts';
import { ProblemsError } from '../http/problems-error.ts';
import type { Problem } from '../schemas/error-body.ts';

export interface WorkerError {
  readonly code: ErrorCode | undefined;
  readonly message: string;
  readonly path?: string;
  readonly problems?: readonly Problem[];
}

export function toWorkerError(error: unknown): WorkerError {
  if (error instanceof ProblemsError) {
    return {
      code: error.code,
      message: error.message,
      problems: error.problems,
      ...(error.path === undefined ? {} : { path: error.path }),
    };
  }
  if (isSluiceError(error)) {
    return {
      code: error.code,
      message: error.message,
      ...(error.path === undefined ? {} : { path: error.path }),
    };
  }
  if (error instanceof RangeError) {
    return { code: 'JOB_LIMIT_EXCEEDED', message: `the job exceeded a limit: ${error.message}` };
  }
  return { code: undefined, message: error instanceof Error ? error.message : String(error) };
}

export function fromWorkerError(error: WorkerError): Error {
  if (error.code === undefined) return new Error(`expression worker: ${error.message}`);
  const rebuilt =
    error.problems === undefined
      ? new SluiceError(
          error.code,
          error.message,
          error.path === undefined ? {} : { path: error.path },
        )
      : new ProblemsError(error.code, error.message, error.problems, error.path);
  // The message was formatted (location, path, hint) on the worker's side already.
  rebuilt.message = error.message;
  return rebuilt;
}
