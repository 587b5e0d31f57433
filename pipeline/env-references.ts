// Resolves `${NAME}` references in every string value of a parsed document from an environment
// (secrets and variables). Pure: returns a new tree and the references it could not resolve,
// and never copies a resolved value into anything but the returned tree.

import { ENV_REFERENCE } from './config-scalars.ts';
import type { YamlPath } from './yaml-document.ts';

export interface MissingReference {
  /** Where the reference is written. */
  readonly path: YamlPath;
  /** The variable name (never its value: there is none). */
  readonly name: string;
}

export interface ResolvedTree {
  readonly value: unknown;
  readonly missing: readonly MissingReference[];
}

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * A copy of `value` with each `${NAME}` inside a string replaced by `env[NAME]`. Mapping keys are
 * left alone. A missing name is reported and its reference kept verbatim. Resolved text is
 * never scanned again, so a secret that itself contains `${…}` stays literal.
 */
export function resolveEnvReferences(value: unknown, env: Environment): ResolvedTree {
  const missing: MissingReference[] = [];
  const visit = (node: unknown, path: YamlPath): unknown => {
    if (typeof node === 'string') {
      const reported = new Set<string>();
      return node.replace(ENV_REFERENCE, (reference, name: string) => {
        const resolved = Object.hasOwn(env, name) ? env[name] : undefined;
        if (resolved !== undefined) return resolved;
        if (!reported.has(name)) missing.push({ path, name });
        reported.add(name);
        return reference;
      });
    }
    if (Array.isArray(node))
      return node.map((item: unknown, index) => visit(item, [...path, index]));
    if (typeof node === 'object' && node !== null) {
      return Object.fromEntries(
        Object.entries(node).map(([key, child]) => [key, visit(child, [...path, key])]),
      );
    }
    return node;
  };
  return { value: visit(value, []), missing };
}
