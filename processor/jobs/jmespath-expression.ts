// JMESPath expressions (`language: jmespath`, RDI's usual language): parsed once, evaluated
// by jmespath.js with RDI's extra functions and a step/depth budget.

import { SluiceError } from '../../common/errors.ts';
import type {
  CompiledExpression,
  EvaluationContext,
  EvaluationLimits,
} from '../core/jobs/expression.ts';
import { abbreviate, ExpressionSyntaxError } from '../core/jobs/expression.ts';
import { checkJmespathCalls, fieldNames } from './jmespath-check.ts';
import { rdiFunctions } from '../core/jobs/jmespath-functions.ts';
import { createEvaluator, parseJmespath, type JmespathNode } from './jmespath-runtime.ts';

export function compileJmespath(source: string, limits: EvaluationLimits): CompiledExpression {
  let ast: JmespathNode;
  try {
    ast = parseJmespath(source);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ExpressionSyntaxError(message, undefined);
  }
  checkJmespathCalls(ast);
  const where = `the jmespath expression '${abbreviate(source)}'`;
  let current: EvaluationContext | undefined;
  const context = (): EvaluationContext => {
    if (current === undefined) throw new Error('jmespath function called outside an evaluation');
    return current;
  };
  // filter_entries() takes its predicate as text: parsed once per distinct text.
  const predicates = new Map<string, JmespathNode>();
  const search = (expression: string, data: unknown): unknown => {
    let predicate = predicates.get(expression);
    if (predicate === undefined) {
      predicate = parseJmespath(expression);
      checkJmespathCalls(predicate);
      if (predicates.size < 100) predicates.set(expression, predicate);
    }
    return run(predicate, data, false);
  };
  const run = createEvaluator(rdiFunctions({ evaluation: context, search }), {
    maxSteps: limits.maxSteps,
    maxDepth: limits.maxDepth,
    exceeded: (what) => {
      const limit = what === 'steps' ? `${limits.maxSteps} steps` : `depth ${limits.maxDepth}`;
      throw new SluiceError('JOB_LIMIT_EXCEEDED', `${where} exceeded its limit of ${limit}`);
    },
  });
  return {
    source,
    language: 'jmespath',
    // Synchronous: evaluations never interleave, so one evaluator and context slot suffice.
    evaluate: (input, evaluationContext) => {
      current = evaluationContext;
      try {
        return run(ast, input);
      } catch (error) {
        if (error instanceof SluiceError) throw error;
        const message = error instanceof Error ? error.message : String(error);
        throw new SluiceError('JOB_EXPRESSION_FAILED', `${where} failed: ${message}`, {
          cause: error,
        });
      } finally {
        current = undefined;
      }
    },
  };
}

/** The fields a JMESPath expression mentions, for cache keys; undefined: it may read any. */
export function jmespathFields(source: string): readonly string[] | undefined {
  try {
    return fieldNames(parseJmespath(source));
  } catch {
    return undefined;
  }
}
