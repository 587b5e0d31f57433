// JSONata expressions (the default language): compiled once, evaluated with JSONata's own
// guardrails (time, depth, sequence length); $now() and $millis() read the injected clock.
// Simple expressions run on a synchronous fast path (jsonata-fast.ts) that returns exactly
// what JSONata would, handing the record to JSONata whenever it cannot be sure.

import jsonata from 'jsonata';
import { SluiceError } from '../../common/errors.ts';
import type { CompiledExpression, EvaluationContext, EvaluationLimits } from './expression.ts';
import { abbreviate, ExpressionSyntaxError } from './expression.ts';
import type { JobValue } from './job-value.ts';
import { compileFastJsonata, NOT_HANDLED } from './jsonata-fast.ts';

interface JsonataError {
  readonly code?: string;
  readonly message?: string;
  readonly position?: number;
}

const LIMIT_CODES = new Set(['D1011', 'D1012', 'D2015', 'U1001']);

// Formats the injected time with JSONata's own picture syntax.
const fromMillis = jsonata('$fromMillis($ms, $picture, $tz)');

export function compileJsonata(source: string, limits: EvaluationLimits): CompiledExpression {
  let expression: jsonata.Expression;
  try {
    expression = jsonata(source, {
      timeout: limits.timeoutMs,
      stack: limits.maxDepth,
      sequence: 1_000_000,
    });
  } catch (error) {
    const { message, position } = error as JsonataError;
    throw new ExpressionSyntaxError(message ?? String(error), position);
  }
  const fast = compileFastJsonata(expression.ast());
  const slow = async (input: JobValue, context: EvaluationContext): Promise<unknown> => {
    const bindings = {
      now: (picture?: string, tz?: string) =>
        fromMillis.evaluate({}, { ms: context.now, picture, tz }),
      millis: () => context.now,
    };
    try {
      return (await expression.evaluate(input, bindings)) as unknown;
    } catch (error) {
      throw runtimeError(source, error);
    }
  };
  return {
    source,
    language: 'jsonata',
    evaluate:
      fast === undefined
        ? slow
        : (input: JobValue, context: EvaluationContext) => {
            const result = fast(input, context.now);
            return result === NOT_HANDLED ? slow(input, context) : result;
          },
  };
}

function runtimeError(source: string, error: unknown): SluiceError {
  const { code, message } = error as JsonataError;
  const text = message ?? String(error);
  const where = `the jsonata expression '${abbreviate(source)}'`;
  if (code !== undefined && LIMIT_CODES.has(code)) {
    return new SluiceError('JOB_LIMIT_EXCEEDED', `${where} exceeded a limit: ${text}`, {
      cause: error,
    });
  }
  return new SluiceError('JOB_EXPRESSION_FAILED', `${where} failed: ${text}`, { cause: error });
}
