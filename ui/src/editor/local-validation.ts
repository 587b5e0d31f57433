// Checks a file of the pipeline folder as the user types, with the loader the API and the
// processor use (pipeline/load-config.ts, pipeline/load-jobs.ts): the same schemas, rules and
// messages, at the same line:column. What needs the server (compiling expressions, secret
// values, connections) is left to "Validate", which asks the API for a dry run.

import { isSluiceError, type SluiceError } from '../../../common/errors.ts';
import { checkPipelineConfig } from '../../../pipeline/load-config.ts';
import { parseJobFile, parseJobTestFile } from '../../../pipeline/load-jobs.ts';
import { kindOf } from '../workspace.ts';
import './buffer-shim.ts';

export interface FileProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly code: string;
  /** `editor`: found while typing; `api`: answered by a validate or deploy. */
  readonly source: 'editor' | 'api';
  /** `warning`: a config key the API accepts without effect; an error otherwise. */
  readonly severity?: 'warning';
}

export interface CheckContext {
  /** Names of the stored secrets: their `${NAME}` references count as set. */
  readonly secretNames: readonly string[];
  /** Target names of config.yaml, to check the jobs' connections; undefined when unknown. */
  readonly targets: readonly string[] | undefined;
}

/**
 * A stand-in value for each stored secret, which the browser never learns. "1" passes every
 * text, integer and port setting; a problem reported at a `${NAME}` value is dropped, since only
 * the real value can decide it.
 */
function environment(context: CheckContext): Record<string, string> {
  return Object.fromEntries(context.secretNames.map((name) => [name, '1']));
}

function problemsOf(error: SluiceError): SluiceError[] {
  const cause: unknown = error.cause;
  if (cause instanceof AggregateError) return cause.errors.filter((e) => isSluiceError(e));
  return [error];
}

function toProblem(error: SluiceError): FileProblem {
  return {
    line: error.location?.line ?? 1,
    column: error.location?.column ?? 1,
    message: error.message,
    code: error.code,
    source: 'editor',
  };
}

/** Whether the text at line:column is a `${NAME}` reference (or starts with one). */
function atReference(text: string, line: number, column: number): boolean {
  const lineText = text.split('\n')[line - 1] ?? '';
  return /^["']?\$\{/.test(lineText.slice(column - 1));
}

export function checkFile(path: string, text: string, context: CheckContext): FileProblem[] {
  const env = environment(context);
  const kind = kindOf(path);
  let errors: SluiceError[] = [];
  try {
    if (kind === 'config') {
      const checked = checkPipelineConfig(text, path, env);
      if (!checked.ok) errors = [...checked.errors];
    } else if (kind === 'job') {
      parseJobFile(
        text,
        path,
        env,
        context.targets === undefined ? {} : { targets: context.targets },
      );
    } else if (kind === 'test') {
      parseJobTestFile(text, path);
    }
  } catch (error) {
    if (!isSluiceError(error)) throw error;
    errors = problemsOf(error);
  }
  return errors
    .map(toProblem)
    .filter((p) => p.code === 'CONFIG_MISSING_SECRET' || !atReference(text, p.line, p.column));
}

/** The target names of a config.yaml, or undefined when it does not load. */
export function targetsOf(
  configText: string | undefined,
  context: CheckContext,
): string[] | undefined {
  if (configText === undefined) return undefined;
  try {
    const checked = checkPipelineConfig(configText, 'config.yaml', environment(context));
    return checked.ok ? Object.keys(checked.config.targets) : undefined;
  } catch {
    return undefined;
  }
}

/** The `${NAME}` references of a text. */
export function secretReferences(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1] ?? ''))];
}
