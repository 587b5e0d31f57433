// Hardened YAML parsing for pipeline files: size, nesting and alias limits, duplicate keys
// rejected, and a map from any key path back to file:line:column for error messages.
// Everything a user can get wrong here becomes a SluiceError with a location.

import {
  Composer,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  Parser,
  type Document,
  type Pair,
  type YAMLMap,
  YAMLParseError,
  type YAMLError,
} from 'yaml';
import { SluiceError, type SourceLocation } from '../common/errors.ts';
import { keyText, yamlShape, type YamlShape } from './yaml-shape.ts';

export const YAML_LIMITS = {
  /** Largest accepted document, in UTF-8 bytes. */
  maxBytes: 1024 * 1024,
  /** Most alias expansions (anchors × uses) before the document counts as an alias bomb. */
  maxAliasCount: 100,
  /** Deepest accepted nesting of mappings and sequences. */
  maxDepth: 64,
  /**
   * Most mapping entries and list items, counted with every alias expanded: bounds the work
   * of everything after parsing (an anchored mapping used a hundred times is a hundred copies).
   * A large pipeline (a thousand tables with their column lists) stays well below it.
   */
  maxEntries: 10_000,
  /**
   * Most lines, and most commas, of the raw text: checked before the parser runs, whose own
   * cost is about 30 µs per entry (a 1 MiB flow list of 500,000 items took 10 s).
   */
  maxSeparators: 20_000,
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
  precheckSeparators(text, file);
  precheckNesting(text, (offset) => locateInText(file, text, offset));
  const lineCounter = new LineCounter();
  const where = (offset: number): SourceLocation => toLocation(file, lineCounter, offset);
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));

  const doc = composeSingleDocument(tokens, text.length);
  const syntaxError = doc.errors[0];
  if (syntaxError !== undefined) throw fromYamlError(syntaxError, where);

  const shape = yamlShape(doc, YAML_LIMITS.maxDepth);
  checkShape(shape, where);
  const value = toPlainValue(doc, shape, where);
  const keyIndex = new WeakMap<YAMLMap, Map<string, Pair>>();
  return {
    file,
    value,
    locate: (path, part = 'key') => where(offsetOf(doc, shape, keyIndex, path, part)),
  };
}

function composeSingleDocument(tokens: Parameters<Composer['compose']>[0], length: number) {
  // Duplicate keys are found by yamlShape with a set per mapping: yaml's own check compares
  // each key with every earlier one, quadratic in the size of a mapping.
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false });
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

function precheckSeparators(text: string, file: string): void {
  let lines = 1;
  let commas = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x0a) lines++;
    else if (ch === 0x2c) commas++;
  }
  const what = lines > YAML_LIMITS.maxSeparators ? `${lines} lines` : `${commas} commas`;
  if (lines > YAML_LIMITS.maxSeparators || commas > YAML_LIMITS.maxSeparators) {
    throw new SluiceError(
      'CONFIG_YAML_LIMIT',
      `the document has ${what}; the limit is ${YAML_LIMITS.maxSeparators} lines and ${YAML_LIMITS.maxSeparators} commas`,
      { location: { file, line: 1, column: 1 } },
    );
  }
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

/** Size, depth and duplicate keys, counted once over the composed document. */
function checkShape(shape: YamlShape, where: (offset: number) => SourceLocation): void {
  if (shape.duplicate !== undefined) {
    const { offset, path } = shape.duplicate;
    throw new SluiceError('CONFIG_YAML_SYNTAX', `duplicate key '${String(path.at(-1))}'`, {
      location: where(offset),
      path: path.join('.'),
      hint: 'each key may appear once in a mapping; remove or merge the repeated one',
    });
  }
  if (shape.tooDeepAt !== undefined) throw tooDeep(where(shape.tooDeepAt));
  const aliasAt = (): SourceLocation => where(shape.firstAlias?.range?.[0] ?? 0);
  if (shape.cyclic) {
    throw new SluiceError('CONFIG_YAML_LIMIT', 'an alias refers to one of its own ancestors', {
      location: aliasAt(),
    });
  }
  if (shape.writtenEntries > YAML_LIMITS.maxEntries) {
    throw new SluiceError(
      'CONFIG_YAML_LIMIT',
      `the document has ${shape.writtenEntries} keys and list items; the limit is ${YAML_LIMITS.maxEntries}`,
      { location: where(0) },
    );
  }
  if (shape.expandedEntries > YAML_LIMITS.maxEntries) {
    throw new SluiceError(
      'CONFIG_YAML_LIMIT',
      `aliases expand the document to ${shape.expandedEntries} keys and list items; the limit is ${YAML_LIMITS.maxEntries}`,
      { location: aliasAt(), hint: 'write the repeated values out, or repeat them less often' },
    );
  }
  if (shape.expandedDepth > YAML_LIMITS.maxDepth) {
    throw tooDeep(shape.firstAlias === undefined ? where(0) : aliasAt());
  }
}

function toPlainValue(
  doc: Document.Parsed,
  shape: YamlShape,
  where: (offset: number) => SourceLocation,
): unknown {
  try {
    return doc.toJS({ maxAliasCount: YAML_LIMITS.maxAliasCount });
  } catch (error) {
    // yaml throws a ReferenceError for an alias bomb (and for unresolvable aliases).
    throw new SluiceError(
      'CONFIG_YAML_LIMIT',
      `aliases expand to too many nodes (limit ${YAML_LIMITS.maxAliasCount}); write the values out`,
      { location: where(shape.firstAlias?.range?.[0] ?? 0), cause: error },
    );
  }
}

function fromYamlError(error: YAMLError, where: (offset: number) => SourceLocation): SluiceError {
  const offset = error.pos[0];
  if (error.code === 'RESOURCE_EXHAUSTION') {
    return new SluiceError('CONFIG_YAML_LIMIT', `the document is too complex to parse`, {
      location: where(offset),
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

/**
 * Offset of `path` in the file. Each mapping's keys are indexed the first time a path goes
 * through it and aliases are followed through the shape's table, so locating every problem
 * of a large document stays linear.
 */
function offsetOf(
  doc: Document.Parsed,
  shape: YamlShape,
  keyIndex: WeakMap<YAMLMap, Map<string, Pair>>,
  path: YamlPath,
  part: 'key' | 'value',
): number {
  let node: unknown = doc.contents;
  let keyOffset = rangeStart(node) ?? 0;
  for (const segment of path) {
    if (isAlias(node)) node = shape.aliasTargets.get(node);
    let next: { key: unknown; value: unknown } | undefined;
    if (isMap(node)) {
      next = keysOf(node, keyIndex).get(String(segment));
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

function keysOf(map: YAMLMap, index: WeakMap<YAMLMap, Map<string, Pair>>): Map<string, Pair> {
  let keys = index.get(map);
  if (keys === undefined) {
    keys = new Map();
    for (const pair of map.items) {
      const key = keyText(pair.key);
      if (key !== undefined && !keys.has(key)) keys.set(key, pair);
    }
    index.set(map, keys);
  }
  return keys;
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
