// JSONata expressions (the default language): compiled once, evaluated with JSONata's own
// guardrails (time, depth, sequence length); $now() and $millis() read the injected clock.
// Simple expressions run on a synchronous fast path (jsonata-fast.ts) that returns exactly
// what JSONata would, handing the record to JSONata whenever it cannot be sure.

import jsonata from 'jsonata';
import { SluiceError } from '../../../common/errors.ts';
import type { CompiledExpression, EvaluationContext, EvaluationLimits } from './expression.ts';
import { abbreviate, ExpressionSyntaxError } from './expression.ts';
import type { JobValue } from './job-value.ts';
import { compileFastJsonata, NOT_HANDLED } from './jsonata-fast.ts';
import { guardStringFunctions } from './jsonata-guards.ts';
import { LinearRegExp, linearFromRegExp, RegexSyntaxError } from './linear-regex.ts';

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
      // Linear-time matching: a native RegExp cannot be interrupted once it backtracks.
      RegexEngine: LinearRegExp as unknown as RegExpConstructor,
    });
  } catch (error) {
    const { message, position } = error as JsonataError;
    throw new ExpressionSyntaxError(message ?? String(error), position);
  }
  checkRegexLiterals(expression.ast());
  guardStringFunctions(expression, limits.maxResultChars);
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

/** Every regex literal must run on RE2: refused at deploy, with its position, when it cannot. */
function checkRegexLiterals(ast: jsonata.ExprNode): void {
  const stack: unknown[] = [ast];
  const seen = new Set<unknown>();
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (seen.has(node)) continue;
    seen.add(node);
    if (node instanceof RegExp) {
      try {
        linearFromRegExp(node);
      } catch (error) {
        if (!(error instanceof RegexSyntaxError)) throw error;
        throw new ExpressionSyntaxError(error.message, undefined);
      }
    } else if (Array.isArray(node)) {
      for (const child of node as unknown[]) stack.push(child);
    } else if (typeof node === 'object' && node !== null) {
      for (const child of Object.values(node) as unknown[]) stack.push(child);
    }
  }
}

function runtimeError(source: string, error: unknown): SluiceError {
  // Limits of our own (string function caps, regex_replace) already carry their code.
  if (error instanceof SluiceError) return error;
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
