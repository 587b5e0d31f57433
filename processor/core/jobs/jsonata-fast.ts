// A fast path for the simple JSONata expressions that most jobs use (field paths, literals,
// comparisons, arithmetic, `&`, `and`/`or`, conditions, array and object constructors and a
// few functions such as $merge and $string): compiled from JSONata's own AST into plain
// synchronous functions. Each returns exactly what JSONata would, or gives up on the record
// (a value shape it does not handle, such as an array met on a path, or anything JSONata would
// raise an error for); the caller then evaluates that record with JSONata itself. Whether an
// expression is handled at all is decided once, at compile time, from its AST.

import type jsonata from 'jsonata';

type Node = jsonata.ExprNode;

interface Scope {
  /** The context item (`$`). */
  readonly input: unknown;
  /** "Now" for $millis(), ms since the epoch. */
  readonly now: number;
}

type Fn = (scope: Scope) => unknown;

/** Thrown (never escapes this module's evaluator) when a record needs real JSONata. */
const GIVE_UP: unique symbol = Symbol('jsonata-fast: give up');

/** Returned by a fast evaluator for a record that must be evaluated by JSONata. */
export const NOT_HANDLED: unique symbol = Symbol('jsonata-fast: not handled');

export type FastEvaluator = (input: unknown, now: number) => unknown;

/** A synchronous evaluator for `ast`, or undefined when the expression is not simple enough. */
export function compileFastJsonata(ast: Node): FastEvaluator | undefined {
  const fn = compileNode(ast);
  if (fn === undefined) return undefined;
  return (input, now) => {
    try {
      return fn({ input, now });
    } catch (error) {
      if (error === GIVE_UP) return NOT_HANDLED;
      throw error;
    }
  };
}

function giveUp(): never {
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- a cheap control-flow signal
  throw GIVE_UP;
}

/** Only these keys may appear on a node we handle; anything else (stages, focus…) changes meaning. */
function plain(node: Node, allowed: readonly string[]): boolean {
  const fields = node as unknown as Record<string, unknown>;
  return Object.keys(node).every(
    (key) =>
      key === 'type' || key === 'position' || allowed.includes(key) || fields[key] === undefined,
  );
}

function compileNode(node: Node): Fn | undefined {
  switch (node.type as string) {
    case 'string':
    case 'number':
    case 'value': {
      if (!plain(node, ['value'])) return undefined;
      const value: unknown = node.value;
      if (typeof value === 'number' && !Number.isFinite(value)) return undefined;
      return () => value;
    }
    case 'variable':
      // `$` (the context) and `$$` (the root) are both the record at the top level.
      return plain(node, ['value']) && (node.value === '' || node.value === '$')
        ? (scope) => scope.input
        : undefined;
    case 'path':
      return compilePath(node);
    case 'binary':
      return compileBinary(node);
    case 'unary':
      return compileUnary(node);
    case 'condition':
      return compileCondition(node);
    case 'function':
      return compileCall(node);
    default:
      return undefined;
  }
}

function compilePath(node: Node): Fn | undefined {
  if (!plain(node, ['steps']) || node.steps === undefined || node.steps.length === 0) {
    return undefined;
  }
  const names: string[] = [];
  node.steps.forEach((step, index) => {
    if (step.type === 'name' && plain(step, ['value']) && typeof step.value === 'string') {
      names.push(step.value);
    } else if (!(
      index === 0 &&
      step.type === 'variable' &&
      plain(step, ['value']) &&
      (step.value === '' || step.value === '$')
    )) {
      names.push('\u0000invalid');
    }
  });
  if (names.includes('\u0000invalid')) return undefined;
  return (scope) => {
    let current: unknown = scope.input;
    for (const name of names) {
      if (current === undefined) return undefined;
      if (Array.isArray(current)) giveUp();
      if (current === null || typeof current !== 'object') return undefined;
      current = Object.hasOwn(current, name)
        ? (current as Record<string, unknown>)[name]
        : undefined;
    }
    // Arrays on a path follow JSONata's sequence rules (flattening, singletons): not here.
    if (Array.isArray(current)) giveUp();
    return current;
  };
}

const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/** JSONata's $boolean for the values handled here; undefined counts as false. */
function truthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'number') return value !== 0;
  if (Array.isArray(value)) giveUp();
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return giveUp();
}

/** JSONata's $string for scalars (numbers to 15 significant digits unless integers). */
function stringOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) giveUp();
    return JSON.stringify(Number.isInteger(value) ? value : Number(value.toPrecision(15)));
  }
  if (typeof value === 'boolean' || value === null) return JSON.stringify(value);
  return giveUp();
}

function scalarOrMissing(value: unknown): boolean {
  return value === undefined || value === null || typeof value !== 'object';
}

type Operator = (left: unknown, right: unknown) => unknown;

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
};

const ORDER: Record<string, (a: number | string, b: number | string) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function binaryOperator(op: string): Operator | undefined {
  const arithmetic = ARITHMETIC[op];
  if (arithmetic !== undefined) {
    return (left, right) => {
      // JSONata checks the types first: a string beside a missing value is still an error.
      if ((left !== undefined && !isNumber(left)) || (right !== undefined && !isNumber(right))) {
        return giveUp();
      }
      if (left === undefined || right === undefined) return undefined;
      const result = arithmetic(left, right);
      return Number.isFinite(result) ? result : giveUp();
    };
  }
  const order = ORDER[op];
  if (order !== undefined) {
    return (left, right) => {
      const comparable = (v: unknown): boolean =>
        v === undefined || typeof v === 'string' || isNumber(v);
      if (!comparable(left) || !comparable(right)) return giveUp();
      if (left === undefined || right === undefined) return undefined;
      if (typeof left !== typeof right) return giveUp();
      return order(left as number | string, right as number | string);
    };
  }
  if (op === '=' || op === '!=') {
    return (left, right) => {
      if (left === undefined || right === undefined) return false;
      if (!scalarOrMissing(left) || !scalarOrMissing(right)) return giveUp();
      return (left === right) === (op === '=');
    };
  }
  if (op === '&') {
    return (left, right) =>
      (left === undefined ? '' : stringOf(left)) + (right === undefined ? '' : stringOf(right));
  }
  return undefined;
}

function compileBinary(node: Node): Fn | undefined {
  if (!plain(node, ['value', 'lhs', 'rhs']) || node.rhs === undefined) return undefined;
  const lhsNode = node.lhs;
  if (lhsNode === undefined || Array.isArray(lhsNode)) return undefined;
  const lhs = compileNode(lhsNode);
  const rhs = compileNode(node.rhs);
  if (lhs === undefined || rhs === undefined) return undefined;
  if (node.value === 'and') return (scope) => truthy(lhs(scope)) && truthy(rhs(scope));
  if (node.value === 'or') return (scope) => truthy(lhs(scope)) || truthy(rhs(scope));
  const operator = binaryOperator(String(node.value));
  if (operator === undefined) return undefined;
  return (scope) => operator(lhs(scope), rhs(scope));
}

function compileUnary(node: Node): Fn | undefined {
  if (node.value === '-') {
    if (!plain(node, ['value', 'expression'])) return undefined;
    const operand = (node as Node & { expression?: Node }).expression;
    const fn = operand === undefined ? undefined : compileNode(operand);
    if (fn === undefined) return undefined;
    return (scope) => {
      const value = fn(scope);
      if (value === undefined) return undefined;
      return isNumber(value) ? -value : giveUp();
    };
  }
  if (node.value === '[') return compileArray(node);
  if (node.value === '{') return compileObject(node);
  return undefined;
}

function compileArray(node: Node): Fn | undefined {
  if (!plain(node, ['value', 'expressions']) || node.expressions === undefined) return undefined;
  const items = node.expressions.map(compileNode);
  if (items.some((item) => item === undefined)) return undefined;
  const fns = items as Fn[];
  return (scope) => {
    const out: unknown[] = [];
    for (const fn of fns) {
      const value = fn(scope);
      // JSONata skips missing items and splices sequences: only plain items are handled here.
      if (value === undefined) continue;
      if (Array.isArray(value)) giveUp();
      out.push(value);
    }
    return out;
  };
}

function compileObject(node: Node): Fn | undefined {
  if (!plain(node, ['value', 'lhs']) || !Array.isArray(node.lhs)) return undefined;
  const pairs: [string, Fn][] = [];
  for (const pair of node.lhs as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2) return undefined;
    const [keyNode, valueNode] = pair as [Node, Node];
    // Literal keys only: a computed key may collide or not be a string (JSONata errors).
    if (keyNode.type !== 'string' || !plain(keyNode, ['value'])) return undefined;
    const key = String(keyNode.value);
    if (key === '__proto__' || pairs.some(([k]) => k === key)) return undefined;
    const value = compileNode(valueNode);
    if (value === undefined) return undefined;
    pairs.push([key, value]);
  }
  return (scope) => {
    // The context of an object constructor must be a single item, not a sequence.
    if (Array.isArray(scope.input)) giveUp();
    const out: Record<string, unknown> = {};
    for (const [key, fn] of pairs) {
      const value = fn(scope);
      if (value !== undefined) out[key] = value;
    }
    return out;
  };
}

function compileCondition(node: Node): Fn | undefined {
  const parts = node as Node & { condition?: Node; then?: Node; else?: Node };
  if (!plain(node, ['condition', 'then', 'else'])) return undefined;
  if (parts.condition === undefined || parts.then === undefined) return undefined;
  const condition = compileNode(parts.condition);
  const then = compileNode(parts.then);
  const otherwise = parts.else === undefined ? () => undefined : compileNode(parts.else);
  if (condition === undefined || then === undefined || otherwise === undefined) return undefined;
  return (scope) => (truthy(condition(scope)) ? then(scope) : otherwise(scope));
}

type Builtin = (args: readonly unknown[], scope: Scope) => unknown;

/** Built-ins by name and arity. Each gives up where JSONata's signature checks would object. */
const BUILTINS: Record<string, { arity: number; fn: Builtin }> = {
  string: { arity: 1, fn: ([value]) => (value === undefined ? undefined : stringOf(value)) },
  uppercase: { arity: 1, fn: ([value]) => textOp(value, (s) => s.toUpperCase()) },
  lowercase: { arity: 1, fn: ([value]) => textOp(value, (s) => s.toLowerCase()) },
  length: { arity: 1, fn: ([value]) => textOp(value, (s) => Array.from(s).length) },
  exists: { arity: 1, fn: ([value]) => value !== undefined },
  boolean: { arity: 1, fn: ([value]) => (value === undefined ? undefined : truthy(value)) },
  not: { arity: 1, fn: ([value]) => (value === undefined ? undefined : !truthy(value)) },
  millis: { arity: 0, fn: (_args, scope) => scope.now },
  merge: { arity: 1, fn: ([value]) => merge(value) },
};

function textOp(value: unknown, op: (text: string) => unknown): unknown {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? op(value) : giveUp();
}

function merge(value: unknown): unknown {
  if (value === undefined) return undefined;
  const objects: readonly unknown[] = Array.isArray(value) ? value : [value];
  const out: Record<string, unknown> = {};
  for (const item of objects) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) giveUp();
    const record = item as Record<string, unknown>;
    const keys = Object.keys(record);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (key === '__proto__') giveUp();
      out[key] = record[key];
    }
  }
  return out;
}

function compileCall(node: Node): Fn | undefined {
  if (!plain(node, ['value', 'procedure', 'arguments']) || node.value !== '(') return undefined;
  const procedure = node.procedure;
  if (procedure?.type !== 'variable' || !plain(procedure, ['value'])) return undefined;
  const builtin = BUILTINS[String(procedure.value)];
  const args = (node.arguments ?? []).map(compileNode);
  if (builtin === undefined || args.length !== builtin.arity) return undefined;
  if (args.some((arg) => arg === undefined)) return undefined;
  const fns = args as Fn[];
  return (scope) =>
    builtin.fn(
      fns.map((fn) => fn(scope)),
      scope,
    );
}
