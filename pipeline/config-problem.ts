// A problem found in a pipeline file, before it is given a file:line:column: the common shape
// of schema errors, semantic rule violations and missing secrets.

import { SluiceError, type ErrorCode, type SourceLocation } from '../common/errors.ts';
import type { MissingReference } from './env-references.ts';
import type { YamlPath } from './yaml-document.ts';

export interface ConfigProblem {
  readonly code: ErrorCode;
  /** The key the problem is about; a missing key points at its parent in the file. */
  readonly path: YamlPath;
  /** Point at the key itself (unknown or missing keys) or at its value (wrong values). */
  readonly part: 'key' | 'value';
  /** What is wrong, never quoting the value (it may be a secret). */
  readonly message: string;
  readonly hint?: string;
}

export function dottedPath(path: YamlPath): string {
  return path.map(String).join('.');
}

/** One problem per `${NAME}` reference that neither a secret nor the environment sets. */
export function missingSecretProblems(
  missing: readonly MissingReference[],
  prefix: YamlPath = [],
): ConfigProblem[] {
  return missing.map(({ path, name }) => ({
    code: 'CONFIG_MISSING_SECRET',
    path: [...prefix, ...path],
    part: 'value',
    message: `\${${name}} is not set`,
    hint: `set the secret or environment variable ${name}`,
  }));
}

/**
 * Most problems reported for one file. A flood (one per key of a 100,000-key file) would cost
 * the caller more to receive than to fix; the first ones in file order say what is wrong.
 */
export const MAX_REPORTED_PROBLEMS = 100;

/**
 * The first `MAX_REPORTED_PROBLEMS` of `items` (already in file order), and how many were left
 * out. Callers report the count with `omittedProblemsMessage`.
 */
export function firstProblems<T>(items: readonly T[]): { shown: readonly T[]; omitted: number } {
  if (items.length <= MAX_REPORTED_PROBLEMS) return { shown: items, omitted: 0 };
  return {
    shown: items.slice(0, MAX_REPORTED_PROBLEMS),
    omitted: items.length - MAX_REPORTED_PROBLEMS,
  };
}

/** The last problem of a capped list: how many problems of `file` were not listed. */
export class OmittedProblems extends SluiceError {
  readonly omitted: number;

  constructor(code: ErrorCode, omitted: number, file: string, location?: SourceLocation) {
    super(code, omittedProblemsMessage(omitted, file), location === undefined ? {} : { location });
    this.omitted = omitted;
  }
}

function omittedProblemsMessage(omitted: number, file: string): string {
  return `${omitted} more problem(s) in ${file} are not listed (only the first ${MAX_REPORTED_PROBLEMS} are); fix these and check again`;
}
