// Exit codes of `sluice`, stable for scripts: each failure class has its own number, derived
// from the error's catalogue code (or HTTP status for codes the CLI does not know).

import { errorCatalogue, isSluiceError, type ErrorCode } from '../common/errors.ts';

export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  invalid: 5,
  conflict: 6,
  unavailable: 7,
} as const;

export function exitCodeOf(error: unknown): number {
  if (!isSluiceError(error)) return EXIT.failed;
  return exitCodeOfCode(error.code);
}

export function exitCodeOfCode(code: ErrorCode): number {
  if (code.startsWith('AUTH_')) return EXIT.auth;
  const { status, retryable } = errorCatalogue[code];
  if (status === 404) return EXIT.notFound;
  if (status === 409) return EXIT.conflict;
  if (status === 400 || status === 413 || status === 422) return EXIT.invalid;
  if (retryable) return EXIT.unavailable;
  return EXIT.failed;
}
