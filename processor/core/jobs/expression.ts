// A compiled expression of either language behind one interface, and its evaluation with
// limits: a failing or runaway expression becomes a coded error (the record is rejected),
// never an exception of another kind and never a stalled processor.

import { SluiceError } from '../../../common/errors.ts';
import type { JobValue } from './job-value.ts';
import { jsonLength } from './json-size.ts';
import { fromExpression } from './job-value.ts';
import type { MaybePromise } from './maybe-async.ts';

export interface EvaluationLimits {
  /** Longest evaluation of one JSONata expression, in milliseconds. */
  readonly timeoutMs: number;
  /** Deepest nesting of evaluation (recursion). */
  readonly maxDepth: number;
  /** Most evaluation steps of one JMESPath expression (bounds its time without a clock). */
  readonly maxSteps: number;
  /** Largest result, in characters of its JSON text. */
  readonly maxResultChars: number;
}

export const DEFAULT_LIMITS: EvaluationLimits = {
  timeoutMs: 1000,
  maxDepth: 500,
  maxSteps: 1_000_000,
  maxResultChars: 4 * 1024 * 1024,
};

/** What an evaluation may use from outside the record: injected, never read from globals. */
export interface EvaluationContext {
  /** "Now" for $now()/$millis() and time_delta_*(), in milliseconds since the epoch. */
  readonly now: number;
  /** Source of uuid() values. */
  readonly uuid: () => string;
}

export interface CompiledExpression {
  readonly source: string;
  readonly language: 'jsonata' | 'jmespath' | 'sql';
  /** Raw result; may be a promise (JSONata). Throws a coded error on failure. */
  evaluate(input: JobValue, context: EvaluationContext): unknown;
}

/** Thrown by a language's compiler; `position` is a 0-based offset into the expression. */
export class ExpressionSyntaxError extends Error {
  readonly position: number | undefined;
  constructor(message: string, position: number | undefined) {
    super(message);
    this.position = position;
  }
}

/**
 * Evaluates `expression` and returns its result as job data (undefined: no result): at once
 * when the expression answered synchronously (fast paths, JMESPath, SQL), else a promise.
 */
export function evaluate(
  expression: CompiledExpression,
  input: JobValue,
  context: EvaluationContext,
  limits: EvaluationLimits,
): MaybePromise<JobValue | undefined> {
  const raw: unknown = expression.evaluate(input, context);
  return raw instanceof Promise
    ? raw.then((ready: unknown) => asJobResult(expression, ready, limits))
    : asJobResult(expression, raw, limits);
}

function asJobResult(
  expression: CompiledExpression,
  raw: unknown,
  limits: EvaluationLimits,
): JobValue | undefined {
  const value = fromExpression(raw);
  // Counted, not stringified: a huge string inside must be refused before it is copied.
  const size = typeof value === 'string' ? value.length : jsonLength(value, limits.maxResultChars);
  if (size > limits.maxResultChars) throw resultTooLarge(expression, size, limits);
  return value;
}

/** `size` is what was counted before the count stopped: at least the limit. */
function resultTooLarge(expression: CompiledExpression, size: number, limits: EvaluationLimits) {
  return new SluiceError(
    'JOB_LIMIT_EXCEEDED',
    `the ${expression.language} expression '${abbreviate(expression.source)}' produced more than ${limits.maxResultChars} characters (${size} counted)`,
  );
}

export function abbreviate(source: string): string {
  const line = source.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}
