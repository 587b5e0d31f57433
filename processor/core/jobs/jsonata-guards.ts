// Argument and result caps on JSONata's string functions. JSONata's time limit is checked
// between evaluation steps, so one call that allocates (`$pad("", 1e8)`, `$join` of a huge
// separator, `$uppercase` of a string doubled in a loop) runs to the end: 3.7 GB in one step.
// Each function below is replaced, per compiled expression, by one that refuses a width or a
// string argument over the result limit before calling JSONata's own, and a result over it.

import jsonata from 'jsonata';
import { SluiceError } from '../../../common/errors.ts';

interface BuiltinFunction {
  readonly implementation: (...args: unknown[]) => unknown;
  readonly signature: { readonly definition: string };
}

/** Functions that build or scan strings in one call. */
const STRING_FUNCTIONS = [
  'pad',
  'join',
  'replace',
  'string',
  'uppercase',
  'lowercase',
  'trim',
  'substring',
  'substringBefore',
  'substringAfter',
  'split',
  'match',
  'contains',
  'formatNumber',
  'formatBase',
  'formatInteger',
  'base64encode',
  'base64decode',
  'encodeUrl',
  'encodeUrlComponent',
  'decodeUrl',
  'decodeUrlComponent',
  'eval',
] as const;

// JSONata exposes its built-ins only as values of `$name`: read each once.
const builtins = new Map<string, BuiltinFunction>(
  await Promise.all(
    STRING_FUNCTIONS.map(
      async (name) => [name, (await jsonata(`$${name}`).evaluate({})) as BuiltinFunction] as const,
    ),
  ),
);

function limitError(message: string): SluiceError {
  return new SluiceError('JOB_LIMIT_EXCEEDED', message, {
    hint: 'JSONata string functions take and give at most the result limit in characters',
  });
}

/** A function value as JSONata's evaluator calls it: the builtin's parsed signature is reused. */
interface FunctionValue extends BuiltinFunction {
  readonly _jsonata_function: true;
}

// The guarded functions per limit, built once: binding them costs an expression nothing more
// than a property per function (registerFunction would parse 23 signatures per expression).
const guardedByLimit = new Map<number, readonly [string, FunctionValue][]>();

/** Replaces the string functions of `expression` by capped ones (`maxChars` characters). */
export function guardStringFunctions(expression: jsonata.Expression, maxChars: number): void {
  let guarded = guardedByLimit.get(maxChars);
  if (guarded === undefined) {
    guarded = [...builtins].map(([name, builtin]) => [
      name,
      guardedFunction(name, builtin, maxChars),
    ]);
    guardedByLimit.set(maxChars, guarded);
  }
  for (const [name, value] of guarded) expression.assign(name, value);
}

function guardedFunction(name: string, builtin: BuiltinFunction, maxChars: number): FunctionValue {
  const implementation = function (this: unknown, ...args: unknown[]): unknown {
    args.forEach((arg, i) => {
      if (typeof arg === 'string' && arg.length > maxChars) {
        throw limitError(
          `argument ${i + 1} of $${name} has ${arg.length} characters; the limit is ${maxChars}`,
        );
      }
    });
    const width = args[1];
    if (name === 'pad' && typeof width === 'number' && Math.abs(width) > maxChars) {
      throw limitError(`$pad to ${Math.abs(width)} characters; the limit is ${maxChars}`);
    }
    if (name === 'join' && Array.isArray(args[0])) {
      const separator = typeof args[1] === 'string' ? args[1].length : 0;
      let total = 0;
      for (const item of args[0] as unknown[]) {
        total += (typeof item === 'string' ? item.length : 0) + separator;
        if (total > maxChars) throw limitError(`$join would give more than ${maxChars} characters`);
      }
    }
    const result = builtin.implementation.apply(this, args);
    if (typeof result === 'string' && result.length > maxChars) {
      throw limitError(`$${name} gave ${result.length} characters; the limit is ${maxChars}`);
    }
    return result;
  };
  return { _jsonata_function: true, implementation, signature: builtin.signature };
}
