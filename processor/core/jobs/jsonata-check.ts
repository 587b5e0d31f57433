// What can be known of a JSONata expression before any record: every function it calls is one
// of JSONata's, one Sluice binds ($now, $millis), or one the expression defines itself
// (`$f := function…`, a lambda parameter, a focus or index variable). A call of anything else
// is refused at deploy instead of rejecting every record with "not a function".

import type jsonata from 'jsonata';
import { ExpressionSyntaxError } from './expression.ts';

/** JSONata 2's built-in functions, and the ones Sluice binds for every evaluation. */
const KNOWN = new Set(
  (
    'sum count max min average string substring substringBefore substringAfter lowercase ' +
    'uppercase length trim pad match contains replace split join formatNumber formatBase ' +
    'formatInteger parseInteger number floor ceil round abs sqrt power random boolean not map ' +
    'zip filter single reduce sift keys lookup append exists spread merge reverse each error ' +
    'assert type sort shuffle distinct base64encode base64decode encodeUrlComponent encodeUrl ' +
    'decodeUrlComponent decodeUrl eval toMillis fromMillis clone now millis'
  ).split(' '),
);

interface Node {
  readonly type?: string;
  readonly value?: unknown;
  readonly position?: number;
  readonly [key: string]: unknown;
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function walk(value: unknown, visit: (node: Node) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit);
    return;
  }
  if (!isNode(value)) return;
  visit(value);
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) walk(child, visit);
  }
}

/** Throws for a call of a function that is neither JSONata's, Sluice's, nor defined inside. */
export function checkJsonataCalls(ast: jsonata.ExprNode): void {
  const defined = new Set<string>();
  const called: { name: string; position: number | undefined }[] = [];
  walk(ast, (node) => {
    if (node.type === 'bind' && isNode(node['lhs']) && typeof node['lhs'].value === 'string') {
      defined.add(node['lhs'].value);
    }
    if (node.type === 'lambda' && Array.isArray(node['arguments'])) {
      for (const argument of node['arguments'] as unknown[]) {
        if (isNode(argument) && typeof argument.value === 'string') defined.add(argument.value);
      }
    }
    for (const key of ['focus', 'index']) {
      if (typeof node[key] === 'string') defined.add(node[key]);
    }
    const procedure = node['procedure'];
    if (
      (node.type === 'function' || node.type === 'partial') &&
      isNode(procedure) &&
      procedure.type === 'variable' &&
      typeof procedure.value === 'string'
    ) {
      called.push({ name: procedure.value, position: procedure.position });
    }
  });
  for (const { name, position } of called) {
    if (!KNOWN.has(name) && !defined.has(name)) {
      throw new ExpressionSyntaxError(`unknown function $${name}()`, position);
    }
  }
}
