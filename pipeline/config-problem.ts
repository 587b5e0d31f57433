// A problem found in a pipeline file, before it is given a file:line:column: the common shape
// of schema errors, semantic rule violations and missing secrets.

import type { ErrorCode } from '../common/errors.ts';
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
