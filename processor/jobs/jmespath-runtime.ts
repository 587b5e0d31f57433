// Access to jmespath.js's interpreter, which the package does not export: its source is
// compiled once with two extra export lines. That gives custom functions (RDI's extras) and a
// step/depth budget per evaluation without forking the library.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { compileFunction } from 'node:vm';

export interface JmespathNode {
  readonly type: string;
}

interface Interpreter {
  visit(node: JmespathNode, value: unknown): unknown;
}

interface Runtime {
  _interpreter: Interpreter;
  callFunction(name: string, args: unknown[]): unknown;
}

interface JmespathModule {
  compile(expression: string): JmespathNode;
  Runtime: new () => Runtime;
  TreeInterpreter: new (runtime: Runtime) => Interpreter;
}

const EXPORTED = 'exports.search = search;';

function loadModule(): JmespathModule {
  const file = createRequire(import.meta.url).resolve('jmespath');
  const source = readFileSync(file, 'utf8');
  if (!source.includes(EXPORTED)) {
    throw new Error(`jmespath at ${file} has an unexpected layout; update jmespath-runtime.ts`);
  }
  const patched = source.replace(
    EXPORTED,
    `${EXPORTED} exports.Runtime = Runtime; exports.TreeInterpreter = TreeInterpreter;`,
  );
  const exports: Partial<JmespathModule> = {};
  const run = compileFunction(patched, ['exports'], { filename: file }) as (e: object) => void;
  run(exports);
  return exports as JmespathModule;
}

const jmespath = loadModule();

export function parseJmespath(expression: string): JmespathNode {
  return jmespath.compile(expression);
}

export type CustomFunction = (args: unknown[]) => unknown;

export interface Budget {
  readonly maxSteps: number;
  readonly maxDepth: number;
  /** Called when a budget is exceeded; must throw. */
  readonly exceeded: (what: 'steps' | 'depth') => never;
}

/**
 * An evaluator of parsed expressions with `functions` added to the built-in ones. Each call
 * of the returned function has its own step and depth budget.
 */
export function createEvaluator(
  functions: ReadonlyMap<string, CustomFunction>,
  budget: Budget,
): (node: JmespathNode, value: unknown, fresh?: boolean) => unknown {
  const runtime = new jmespath.Runtime();
  const interpreter = new jmespath.TreeInterpreter(runtime);
  runtime._interpreter = interpreter;
  const builtin = runtime.callFunction.bind(runtime);
  runtime.callFunction = (name, args) => {
    const custom = functions.get(name);
    return custom === undefined ? builtin(name, args) : custom(args);
  };
  const visit = interpreter.visit.bind(interpreter);
  let steps = 0;
  let depth = 0;
  // The interpreter recurses through `this.visit`, so this own property sees every node.
  interpreter.visit = (node, value) => {
    steps += 1;
    depth += 1;
    try {
      if (steps > budget.maxSteps) budget.exceeded('steps');
      if (depth > budget.maxDepth) budget.exceeded('depth');
      return visit(node, value);
    } finally {
      depth -= 1;
    }
  };
  // `fresh: false` evaluates inside a running evaluation (a predicate), sharing its budget.
  return (node, value, fresh = true) => {
    if (fresh) {
      steps = 0;
      depth = 0;
    }
    return interpreter.visit(node, value);
  };
}

/** How many arguments a built-in function takes (max: Infinity when variadic). */
export interface Arity {
  readonly min: number;
  readonly max: number;
}

const builtinTable = (
  new jmespath.Runtime() as unknown as {
    functionTable: Record<string, { _signature: { variadic?: boolean; optional?: boolean }[] }>;
  }
).functionTable;

/** The arity of jmespath.js's built-in `name`, or undefined when there is no such function. */
export function builtinArity(name: string): Arity | undefined {
  if (!Object.hasOwn(builtinTable, name)) return undefined;
  const signature = builtinTable[name]?._signature ?? [];
  const variadic = signature.some((arg) => arg.variadic === true);
  const required = signature.filter((arg) => arg.optional !== true).length;
  return { min: required, max: variadic ? Infinity : signature.length };
}
