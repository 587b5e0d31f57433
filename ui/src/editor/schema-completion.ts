// Completion for config.yaml and job files from the editor JSON Schemas the loader is generated
// with (pipeline/config.schema.json, pipeline/job.schema.json): keys that fit where the cursor
// is (with their descriptions), the values an enum or a boolean allows, and `${NAME}` secrets.
// The position in the document is read from indentation, which is how these files are written.

import type { CompletionContext, CompletionResult, Completion } from '@codemirror/autocomplete';
import configSchema from '../../../pipeline/config.schema.json';
import jobSchema from '../../../pipeline/job.schema.json';

export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly patternProperties?: Readonly<Record<string, JsonSchema>>;
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly default?: unknown;
}

export const CONFIG_SCHEMA = configSchema as JsonSchema;
export const JOB_SCHEMA = jobSchema as JsonSchema;

/** One mapping on the way from the document root to the cursor. */
export interface Level {
  /** Keys written in this mapping, with their inline values. */
  readonly keys: Map<string, string>;
  /** Segments from the mapping above to this one: a key, and `[]` when it holds a list. */
  readonly via: string[];
}

interface LineShape {
  readonly indent: number;
  readonly dash: boolean;
  readonly key: string | undefined;
  readonly value: string;
}

function shapeOf(line: string): LineShape | undefined {
  if (/^\s*(#|$)/.test(line)) return undefined;
  const match = /^(\s*)(-\s+)?(?:([A-Za-z0-9_.$-]+)\s*:(?:\s+(.*))?)?\s*$/.exec(line);
  if (match === null) return undefined;
  const dash = match[2] !== undefined;
  if (!dash && match[3] === undefined) return undefined;
  return {
    indent: match[1]?.length ?? 0,
    dash,
    key: match[3],
    value: (match[4] ?? '').replace(/\s+#.*$/, '').trim(),
  };
}

/**
 * The mappings from the root down to the one whose keys sit at `indent` on the cursor's line,
 * read from the lines above it. `dashHere`: the cursor's line starts a list item.
 */
export function levelsAbove(lines: readonly string[], indent: number, dashHere: boolean): Level[] {
  let current: Level = { keys: new Map(), via: [] };
  const levels: Level[] = [current];
  let need = indent;
  // When the current mapping is a list item: the indent of its dash.
  let listIndent: number | undefined = dashHere ? indent - 2 : undefined;
  const ascend = (key: string, value: string, list: boolean, keyIndent: number): void => {
    current.via.unshift(...(list ? [key, '[]'] : [key]));
    current = { keys: new Map([[key, value]]), via: [] };
    levels.unshift(current);
    need = keyIndent;
    listIndent = undefined;
  };
  for (let i = lines.length - 1; i >= 0; i--) {
    const shape = shapeOf(lines[i] ?? '');
    if (shape === undefined) continue;
    if (shape.dash) {
      const itemIndent = shape.indent + 2;
      if (listIndent === undefined && itemIndent === need) {
        // This line starts the item that is the current mapping.
        if (shape.key !== undefined) current.keys.set(shape.key, shape.value);
        listIndent = shape.indent;
      } else if (shape.key !== undefined && itemIndent < (listIndent ?? need)) {
        // `- key:` whose key holds the current mapping (or list), inside an outer item.
        ascend(shape.key, shape.value, listIndent !== undefined, itemIndent);
        listIndent = shape.indent;
      }
      continue;
    }
    if (shape.key === undefined) continue;
    if (listIndent === undefined && shape.indent === need) {
      current.keys.set(shape.key, shape.value);
    } else if (listIndent !== undefined && shape.indent <= listIndent) {
      ascend(shape.key, shape.value, true, shape.indent);
    } else if (listIndent === undefined && shape.indent < need) {
      ascend(shape.key, shape.value, false, shape.indent);
    }
  }
  return levels;
}

function variants(schema: JsonSchema, keys: ReadonlyMap<string, string>): JsonSchema[] {
  if (schema.anyOf === undefined) return [schema];
  const objects = schema.anyOf.filter((s) => s.properties !== undefined);
  if (objects.length === 0) return [schema];
  const uses = keys.get('uses');
  const chosen = objects.filter((s) => s.properties?.uses?.const === uses);
  return chosen.length > 0 ? chosen : objects;
}

function child(schema: JsonSchema, segment: string): JsonSchema | undefined {
  if (segment === '[]') return schema.items;
  const named = schema.properties?.[segment];
  if (named !== undefined) return named;
  const pattern = schema.patternProperties;
  return pattern === undefined ? undefined : Object.values(pattern)[0];
}

/** The schemas of the mapping at the end of `levels`. */
export function schemasAt(root: JsonSchema, levels: readonly Level[]): JsonSchema[] {
  let schemas = [root];
  for (const level of levels) {
    for (const segment of level.via) {
      schemas = schemas
        .flatMap((s) => variants(s, new Map()))
        .flatMap((s) => {
          const next = child(s, segment);
          return next === undefined ? [] : [next];
        });
    }
    schemas = schemas.flatMap((s) => variants(s, level.keys));
  }
  return schemas;
}

/** A JSON value as the YAML text that writes it. */
function textOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function typeLabel(schema: JsonSchema): string | undefined {
  if (schema.type !== undefined) return [schema.type].flat().join(' | ');
  if (schema.anyOf !== undefined) {
    const consts = schema.anyOf.filter((s) => s.const !== undefined);
    if (consts.length > 0) return consts.map((s) => textOf(s.const)).join(' | ');
    return 'value';
  }
  return undefined;
}

function valuesOf(schema: JsonSchema): string[] {
  const values = new Set<string>();
  const visit = (s: JsonSchema): void => {
    if (s.const !== undefined) values.add(textOf(s.const));
    for (const e of s.enum ?? []) values.add(textOf(e));
    if (s.type === 'boolean') {
      values.add('true');
      values.add('false');
    }
    for (const a of s.anyOf ?? []) visit(a);
  };
  visit(schema);
  return [...values];
}

export function keyCompletions(schemas: readonly JsonSchema[], present: ReadonlySet<string>) {
  const options = new Map<string, Completion>();
  for (const schema of schemas) {
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      if (present.has(key) || options.has(key)) continue;
      const detail = typeLabel(property);
      options.set(key, {
        label: key,
        type: 'property',
        apply: `${key}: `,
        ...(detail === undefined ? {} : { detail }),
        ...(property.description === undefined ? {} : { info: property.description }),
      });
    }
  }
  return [...options.values()];
}

/** The completion source of one file kind, with the stored secret names for `${`. */
export function schemaCompletion(root: JsonSchema, secretNames: () => readonly string[]) {
  return (context: CompletionContext): CompletionResult | null => {
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    const reference = /\$\{([A-Za-z0-9_]*)$/.exec(before);
    if (reference !== null) {
      return {
        from: context.pos - (reference[1]?.length ?? 0),
        options: secretNames().map((name) => ({
          label: name,
          type: 'variable',
          apply: `${name}}`,
        })),
      };
    }
    const above: string[] = [];
    for (let n = 1; n < line.number; n++) above.push(context.state.doc.line(n).text);
    const keyMatch = /^(\s*)(-\s+)?([A-Za-z0-9_.-]*)$/.exec(before);
    if (keyMatch !== null) {
      const dash = keyMatch[2] !== undefined;
      const indent = (keyMatch[1]?.length ?? 0) + (dash ? (keyMatch[2]?.length ?? 2) : 0);
      const levels = levelsAbove(above, indent, dash);
      // Keys written below the cursor at the same indent are present too.
      const present = new Set(levels.at(-1)?.keys.keys());
      for (let n = line.number + 1; n <= context.state.doc.lines; n++) {
        const shape = shapeOf(context.state.doc.line(n).text);
        if (shape === undefined) continue;
        if (shape.indent < indent || shape.dash) break;
        if (shape.indent === indent && shape.key !== undefined) present.add(shape.key);
      }
      const word = keyMatch[3] ?? '';
      if (word.length === 0 && !context.explicit && !dash) return null;
      const options = keyCompletions(schemasAt(root, levels), present);
      return options.length === 0 ? null : { from: context.pos - word.length, options };
    }
    const valueMatch = /^(\s*)(-\s+)?([A-Za-z0-9_.-]+):\s+(\S*)$/.exec(before);
    if (valueMatch !== null) {
      const dash = valueMatch[2] !== undefined;
      const indent = (valueMatch[1]?.length ?? 0) + (dash ? (valueMatch[2]?.length ?? 2) : 0);
      const levels = levelsAbove(above, indent, dash);
      const key = valueMatch[3] ?? '';
      const values = schemasAt(root, levels).flatMap((s) => {
        const property = child(s, key);
        return property === undefined ? [] : valuesOf(property);
      });
      const word = valueMatch[4] ?? '';
      const unique = [...new Set(values)];
      return unique.length === 0
        ? null
        : {
            from: context.pos - word.length,
            options: unique.map((v) => ({ label: v, type: 'enum' })),
          };
    }
    return null;
  };
}
