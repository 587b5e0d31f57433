// Hardened YAML parsing for pipeline files: size, nesting and alias limits, duplicate keys
// rejected, and a map from any key path back to file:line:column for error messages.
// Everything a user can get wrong here becomes a SluiceError with a location.

import {
  Composer,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  Parser,
  type Document,
  type Node,
  YAMLParseError,
  type YAMLError,
} from 'yaml';
import { SluiceError, type SourceLocation } from '../common/errors.ts';

export const YAML_LIMITS = {
  /** Largest accepted document, in UTF-8 bytes. */
  maxBytes: 1024 * 1024,
  /** Most alias expansions (anchors × uses) before the document counts as an alias bomb. */
  maxAliasCount: 100,
  /** Deepest accepted nesting of mappings and sequences. */
  maxDepth: 64,
} as const;

/** A key path: mapping keys and sequence indexes from the document root. */
export type YamlPath = readonly (string | number)[];

export interface YamlDocument {
  readonly file: string;
  /** The document as plain JSON-like data (mappings are plain objects). */
  readonly value: unknown;
  /**
   * Where `path` is written: its key (`'key'`, the default) or its value (`'value'`). A path
   * that does not exist in the file resolves to its nearest existing ancestor.
   */
  locate(path: YamlPath, part?: 'key' | 'value'): SourceLocation;
}

// Cheap scans of the raw text that bound the parser's work before it starts: without them a
// megabyte of `[[[[` or `- - - -` costs the recursive composer seconds of stack overflows.
const MAX_RAW_FLOW_DEPTH = 1000;
const DEEP_BLOCK_INDICATORS = new RegExp(`(?:[-?:][ \\t]+){${YAML_LIMITS.maxDepth + 1},}`);

export function parseYamlDocument(text: string, file: string): YamlDocument {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > YAML_LIMITS.maxBytes) {
    throw new SluiceError(
      'CONFIG_YAML_LIMIT',
      `the document is ${bytes} bytes; the limit is ${YAML_LIMITS.maxBytes} bytes (1 MiB)`,
      { location: { file, line: 1, column: 1 } },
    );
  }
  precheckNesting(text, (offset) => locateInText(file, text, offset));
  const lineCounter = new LineCounter();
  const where = (offset: number): SourceLocation => toLocation(file, lineCounter, offset);
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));

  const doc = composeSingleDocument(tokens, text.length);
  const syntaxError = doc.errors[0];
  if (syntaxError !== undefined) throw fromYamlError(syntaxError, doc, text, where);

  const contents = doc.contents;
  checkDepth(contents, where);
  const value = toPlainValue(doc, where);
  return {
    file,
    value,
    locate: (path, part = 'key') => where(offsetOf(doc, path, part)),
  };
}

function composeSingleDocument(tokens: Parameters<Composer['compose']>[0], length: number) {
  const composer = new Composer({ prettyErrors: false, uniqueKeys: true });
  let first: Document.Parsed | undefined;
  for (const doc of composer.compose(tokens, true, length)) {
    if (first === undefined) {
      first = doc;
      continue;
    }
    const at = doc.range[0];
    const message = 'a pipeline file holds one YAML document; remove the second "---"';
    first.errors.push(new YAMLParseError([at, at + 1], 'MULTIPLE_DOCS', message));
    break;
  }
  // compose(…, forceDoc = true) always yields a document, even for empty input.
  if (first === undefined) throw new Error('yaml Composer yielded no document');
  return first;
}

function precheckNesting(text: string, where: (offset: number) => SourceLocation): void {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5b || ch === 0x7b) {
      depth++;
      if (depth > MAX_RAW_FLOW_DEPTH) throw tooDeep(where(i));
    } else if ((ch === 0x5d || ch === 0x7d) && depth > 0) {
      depth--;
    }
  }
  const deepLine = DEEP_BLOCK_INDICATORS.exec(text);
  if (deepLine !== null) throw tooDeep(where(deepLine.index));
}

function tooDeep(location: SourceLocation): SluiceError {
  return new SluiceError(
    'CONFIG_YAML_LIMIT',
    `mappings and sequences are nested more than ${YAML_LIMITS.maxDepth} levels deep`,
    { location },
  );
}

/** Depth of mappings and sequences as written (aliases are checked after expansion). */
function checkDepth(root: Node | null, where: (offset: number) => SourceLocation): void {
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { node, depth } = item;
    if (isMap(node) || isSeq(node)) {
      if (depth + 1 > YAML_LIMITS.maxDepth) throw tooDeep(where(node.range?.[0] ?? 0));
      for (const child of node.items) stack.push({ node: child, depth: depth + 1 });
    } else if (isPair(node)) {
      stack.push({ node: node.key, depth }, { node: node.value, depth });
    }
  }
}

function toPlainValue(doc: Document.Parsed, where: (offset: number) => SourceLocation): unknown {
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: YAML_LIMITS.maxAliasCount });
  } catch (error) {
    // yaml throws a ReferenceError for an alias bomb (and for unresolvable aliases).
    throw new SluiceError(
      'CONFIG_YAML_LIMIT',
      `aliases expand to too many nodes (limit ${YAML_LIMITS.maxAliasCount}); write the values out`,
      { location: where(firstAliasOffset(doc)), cause: error },
    );
  }
  checkExpandedValue(value, 0, new Set(), () => where(firstAliasOffset(doc)));
  return value;
}

/** After alias expansion: no cycles (`&a [*a]`) and still no deeper than the limit. */
function checkExpandedValue(
  value: unknown,
  depth: number,
  ancestors: Set<object>,
  aliasLocation: () => SourceLocation,
): void {
  if (typeof value !== 'object' || value === null) return;
  if (ancestors.has(value)) {
    throw new SluiceError('CONFIG_YAML_LIMIT', 'an alias refers to one of its own ancestors', {
      location: aliasLocation(),
    });
  }
  if (depth + 1 > YAML_LIMITS.maxDepth) throw tooDeep(aliasLocation());
  ancestors.add(value);
  for (const child of Object.values(value)) {
    checkExpandedValue(child, depth + 1, ancestors, aliasLocation);
  }
  ancestors.delete(value);
}

function firstAliasOffset(doc: Document.Parsed): number {
  const stack: unknown[] = [doc.contents];
  let first = Number.POSITIVE_INFINITY;
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (isAlias(node)) first = Math.min(first, node.range?.[0] ?? first);
    else if (isMap(node) || isSeq(node)) stack.push(...node.items);
    else if (isPair(node)) stack.push(node.key, node.value);
  }
  return Number.isFinite(first) ? first : 0;
}

function fromYamlError(
  error: YAMLError,
  doc: Document.Parsed,
  text: string,
  where: (offset: number) => SourceLocation,
): SluiceError {
  const offset = error.pos[0];
  if (error.code === 'RESOURCE_EXHAUSTION') {
    return new SluiceError('CONFIG_YAML_LIMIT', `the document is too complex to parse`, {
      location: where(offset),
    });
  }
  if (error.code === 'DUPLICATE_KEY') {
    const path = pathOfKeyAt(doc, offset);
    const key = path?.at(-1) ?? text.slice(error.pos[0], error.pos[1]);
    return new SluiceError('CONFIG_YAML_SYNTAX', `duplicate key '${String(key)}'`, {
      location: where(offset),
      ...(path === undefined ? {} : { path: path.join('.') }),
      hint: 'each key may appear once in a mapping; remove or merge the repeated one',
    });
  }
  return new SluiceError('CONFIG_YAML_SYNTAX', `invalid YAML: ${firstLine(error.message)}`, {
    location: where(offset),
  });
}

function firstLine(message: string): string {
  const end = message.indexOf('\n');
  return end === -1 ? message : message.slice(0, end);
}

/** Key path of the mapping key that starts at `offset` (used to name duplicate keys). */
function pathOfKeyAt(doc: Document.Parsed, offset: number): YamlPath | undefined {
  const stack: { node: unknown; path: YamlPath }[] = [{ node: doc.contents, path: [] }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { node, path } = item;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = keyText(pair.key);
        if (key === undefined) continue;
        if (isScalar(pair.key) && pair.key.range?.[0] === offset) return [...path, key];
        stack.push({ node: pair.value, path: [...path, key] });
      }
    } else if (isSeq(node)) {
      node.items.forEach((child, index) => stack.push({ node: child, path: [...path, index] }));
    }
  }
  return undefined;
}

function keyText(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  const value: unknown = key.value;
  if (value === null) return '';
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint'
    ? String(value)
    : undefined;
}

function offsetOf(doc: Document.Parsed, path: YamlPath, part: 'key' | 'value'): number {
  let node: unknown = doc.contents;
  let keyOffset = rangeStart(node) ?? 0;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: { key: unknown; value: unknown } | undefined;
    if (isMap(node)) {
      next = node.items.find((pair) => keyText(pair.key) === String(segment));
    } else if (isSeq(node) && typeof segment === 'number') {
      const child: unknown = node.items[segment];
      next = child === undefined ? undefined : { key: child, value: child };
    }
    if (next === undefined) return keyOffset;
    keyOffset = rangeStart(next.key) ?? keyOffset;
    node = next.value;
  }
  return part === 'value' ? (rangeStart(node) ?? keyOffset) : keyOffset;
}

function rangeStart(node: unknown): number | undefined {
  if (isScalar(node) || isMap(node) || isSeq(node) || isAlias(node)) return node.range?.[0];
  return undefined;
}

/** Line and column of `offset` before the parser has counted lines (used by the pre-checks). */
function locateInText(file: string, text: string, offset: number): SourceLocation {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { file, line, column: offset - lineStart + 1 };
}

function toLocation(file: string, lineCounter: LineCounter, offset: number): SourceLocation {
  const { line, col } = lineCounter.linePos(offset);
  return { file, line: Math.max(line, 1), column: Math.max(col, 1) };
}
