// An error that carries several problems at once (every mistake of a config.yaml and its
// jobs), so a user fixes them in one round instead of one per request.

import { SluiceError, type ErrorCode } from '../../common/errors.ts';
import type { Problem } from '../schemas/error-body.ts';

export class ProblemsError extends SluiceError {
  readonly problems: readonly Problem[];

  constructor(code: ErrorCode, message: string, problems: readonly Problem[], path?: string) {
    super(code, message, path === undefined ? {} : { path });
    this.problems = problems;
  }
}

/** A Problem from a SluiceError (its message already names file:line:column). */
export function problemOf(error: SluiceError): Problem {
  return {
    code: error.code,
    message: error.message,
    ...(error.path === undefined ? {} : { path: error.path }),
    ...(error.location === undefined
      ? {}
      : { file: error.location.file, line: error.location.line, column: error.location.column }),
    ...(error.hint === undefined ? {} : { hint: error.hint }),
  };
}
