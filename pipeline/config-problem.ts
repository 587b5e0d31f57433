// A problem found in a pipeline file, before it is given a file:line:column: the common shape
// of schema errors, semantic rule violations and missing secrets.

import type { ErrorCode } from '../common/errors.ts';
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
