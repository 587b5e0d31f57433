// One linear pass over a composed YAML document, before it becomes plain data: duplicate keys,
// where each alias points, and how many entries and levels the document has once its aliases
// are expanded. Doing this once keeps validation linear: yaml's own duplicate-key check
// compares each key with every earlier one, and its Alias.resolve walks the whole document.

import { isAlias, isMap, isPair, isScalar, isSeq, type Alias, type Document } from 'yaml';
import type { YamlPath } from './yaml-document.ts';

export interface YamlShape {
  /** The anchored node each alias refers to (the nearest earlier anchor of that name). */
  readonly aliasTargets: ReadonlyMap<Alias, unknown>;
  /** The first alias in the document, where expansion problems are reported. */
  readonly firstAlias: Alias | undefined;
  /** The first repeated key of a mapping, with its key path. */
  readonly duplicate: { readonly offset: number; readonly path: YamlPath } | undefined;
  /** Where the first mapping or list nested deeper than `maxDepth` (as written) starts. */
  readonly tooDeepAt: number | undefined;
  /** Mapping entries and list items as written. */
  readonly writtenEntries: number;
  /** Mapping entries and list items once every alias is expanded (Infinity for a cycle). */
  readonly expandedEntries: number;
  /** Nesting of mappings and lists once every alias is expanded (Infinity for a cycle). */
  readonly expandedDepth: number;
  /** An alias refers to one of its own ancestors (`&a [*a]`). */
  readonly cyclic: boolean;
}

/** Text of a mapping key, as the locator compares keys (undefined for a non-scalar key). */
export function keyText(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  const value: unknown = key.value;
  if (value === null) return '';
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint'
    ? String(value)
    : undefined;
}

/** Key identity as yaml's uniqueKeys sees it: equal scalar values (so `1` and `'1'` differ). */
function keyIdentity(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  const value: unknown = key.value;
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value}:${String(value)}`;
    default:
      return undefined;
  }
}

interface Visit {
  readonly node: unknown;
  readonly path: YamlPath;
  /** Mappings and lists around this node. */
  readonly depth: number;
}

export function yamlShape(doc: Document.Parsed, maxDepth: number): YamlShape {
  const anchors = new Map<string, unknown>();
  const aliasTargets = new Map<Alias, unknown>();
  let firstAlias: Alias | undefined;
  let duplicate: YamlShape['duplicate'];
  let writtenEntries = 0;
  let tooDeepAt: number | undefined;
  // Pre-order in document order (children pushed in reverse), so that an alias resolves to the
  // anchor defined last before it, as YAML says.
  const stack: Visit[] = [{ node: doc.contents, path: [], depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { node, path } = item;
    const depth = isMap(node) || isSeq(node) ? item.depth + 1 : item.depth;
    if (depth > maxDepth) {
      tooDeepAt ??= rangeOf(node);
      continue;
    }
    if (isAlias(node)) {
      aliasTargets.set(node, anchors.get(node.source));
      firstAlias ??= node;
      continue;
    }
    if (isScalar(node) || isMap(node) || isSeq(node)) {
      if (node.anchor !== undefined) anchors.set(node.anchor, node);
    }
    if (isMap(node)) {
      writtenEntries += node.items.length;
      const seen = new Set<string>();
      for (const pair of node.items) {
        const identity = keyIdentity(pair.key);
        if (identity === undefined || duplicate !== undefined) continue;
        if (seen.has(identity)) {
          duplicate = { offset: rangeOf(pair.key), path: [...path, keyText(pair.key) ?? ''] };
        }
        seen.add(identity);
      }
      for (let i = node.items.length - 1; i >= 0; i--) {
        const pair = node.items[i];
        if (pair === undefined) continue;
        const key = keyText(pair.key) ?? '';
        stack.push(
          { node: pair.value, path: [...path, key], depth },
          { node: pair.key, path, depth },
        );
      }
    } else if (isSeq(node)) {
      writtenEntries += node.items.length;
      for (let i = node.items.length - 1; i >= 0; i--) {
        stack.push({ node: node.items[i], path: [...path, i], depth });
      }
    }
  }
  const expanded = expandedSize(doc.contents, aliasTargets);
  return { aliasTargets, firstAlias, duplicate, tooDeepAt, writtenEntries, ...expanded };
}

function rangeOf(node: unknown): number {
  return isScalar(node) || isMap(node) || isSeq(node) || isAlias(node) ? (node.range?.[0] ?? 0) : 0;
}

interface Size {
  readonly entries: number;
  readonly depth: number;
}

/**
 * Entries and depth after alias expansion, without expanding: each node's size is computed
 * once (post-order, memoised), an alias taking its target's. Linear in the written document.
 */
function expandedSize(
  root: unknown,
  aliasTargets: ReadonlyMap<Alias, unknown>,
): { expandedEntries: number; expandedDepth: number; cyclic: boolean } {
  const sizes = new Map<unknown, Size>();
  const onPath = new Set<unknown>();
  const stack: { node: unknown; entered: boolean }[] = [{ node: root, entered: false }];
  const children = (node: unknown): unknown[] => {
    if (isAlias(node)) return [aliasTargets.get(node)];
    if (isMap(node)) return node.items.flatMap((pair) => [pair.key, pair.value]);
    if (isSeq(node)) return [...node.items];
    if (isPair(node)) return [node.key, node.value];
    return [];
  };
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { node } = item;
    if (node === null || node === undefined || typeof node !== 'object') continue;
    if (!item.entered) {
      if (sizes.has(node)) continue;
      if (onPath.has(node)) {
        return { expandedEntries: Infinity, expandedDepth: Infinity, cyclic: true };
      }
      onPath.add(node);
      stack.push({ node, entered: true });
      for (const child of children(node)) stack.push({ node: child, entered: false });
      continue;
    }
    onPath.delete(node);
    let entries = isMap(node) || isSeq(node) ? node.items.length : 0;
    let depth = 0;
    for (const child of children(node)) {
      const size = typeof child === 'object' && child !== null ? sizes.get(child) : undefined;
      if (size === undefined) continue;
      entries += size.entries;
      depth = Math.max(depth, size.depth);
    }
    sizes.set(node, { entries, depth: isMap(node) || isSeq(node) ? depth + 1 : depth });
  }
  const size = typeof root === 'object' && root !== null ? sizes.get(root) : undefined;
  return { expandedEntries: size?.entries ?? 0, expandedDepth: size?.depth ?? 0, cyclic: false };
}
