// What can be known of a JMESPath expression before any record: every function it calls exists
// and gets a number of arguments it accepts (refused at deploy, not per record), and which
// fields it reads at the top level (for `cache:` keys).

import { ExpressionSyntaxError } from '../core/jobs/expression.ts';
import { RDI_FUNCTION_ARITY } from '../core/jobs/jmespath-functions.ts';
import { builtinArity, type Arity, type JmespathNode } from './jmespath-runtime.ts';

interface AnyNode extends JmespathNode {
  readonly name?: string;
  readonly children?: readonly unknown[];
}

function isNode(value: unknown): value is AnyNode {
  return typeof value === 'object' && value !== null && 'type' in value;
}

function walk(node: unknown, visit: (node: AnyNode) => void): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit);
    return;
  }
  if (!isNode(node)) return;
  visit(node);
  for (const child of node.children ?? []) walk(child, visit);
}

function arityOf(name: string): Arity | undefined {
  return RDI_FUNCTION_ARITY.get(name) ?? builtinArity(name);
}

/** Throws for a call of an unknown function or with a number of arguments it does not take. */
export function checkJmespathCalls(ast: JmespathNode): void {
  walk(ast, (node) => {
    if (node.type !== 'Function' || node.name === undefined) return;
    const arity = arityOf(node.name);
    if (arity === undefined) {
      throw new ExpressionSyntaxError(`unknown function ${node.name}()`, undefined);
    }
    const count = node.children?.length ?? 0;
    if (count < arity.min || count > arity.max) {
      const expected =
        arity.max === Infinity
          ? `at least ${arity.min}`
          : arity.min === arity.max
            ? `${arity.min}`
            : `${arity.min} to ${arity.max}`;
      throw new ExpressionSyntaxError(
        `${node.name}() takes ${expected} argument(s), got ${count}`,
        undefined,
      );
    }
  });
}

/**
 * Every field name the expression mentions (a superset of those it reads at the top level), or
 * undefined when it reads the current node (`@`) and so may depend on any field.
 */
export function fieldNames(ast: JmespathNode): readonly string[] | undefined {
  const names = new Set<string>();
  const kinds = new Set<string>();
  walk(ast, (node) => {
    kinds.add(node.type);
    if (node.type === 'Field' && node.name !== undefined) names.add(node.name);
  });
  return kinds.has('Current') || kinds.has('Identity') ? undefined : [...names];
}
