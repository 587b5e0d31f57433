// Decodes the `key` and `value` fields of one Debezium stream entry (JSON converter, with or
// without schemas; without, Sluice's compact type descriptor stands for them: compact-schema.ts)
// into a ChangeEvent. Pure: text in, typed event out, SluiceError on bad input.

import { SluiceError } from '../../common/errors.ts';
import type { ChangeEvent, Opcode, Row } from './change-event.ts';
import { compactSchemas, TYPES_FIELD, type CompactSchemas } from './compact-schema.ts';
import type { ConnectSchema } from './convert-value.ts';
import { plain } from './convert-value.ts';
import { holdsUnsafeInteger, parseJsonCheckingParts } from './lossless-json.ts';
import { rowConverter } from './row-converter.ts';
import type { TypeRendering } from './type-rendering.ts';

const OPCODES: ReadonlySet<string> = new Set(['c', 'u', 'd', 'r', 't', 'm']);

type Json = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Splits a JsonConverter document into its schema (if any) and payload. */
function unwrap(document: unknown): { schema: ConnectSchema | undefined; payload: unknown } {
  if (isObject(document) && 'payload' in document && 'schema' in document) {
    const schema = isObject(document.schema)
      ? (document.schema as unknown as ConnectSchema)
      : undefined;
    return { schema, payload: document.payload };
  }
  return { schema: undefined, payload: document };
}

const SCHEMA_PREFIX = '{"schema":';
const PAYLOAD_SEPARATOR = ',"payload":';
const SCHEMA_CACHE_LIMIT = 512;
/**
 * Parsed value schemas by their exact text. Every entry of a table repeats the same schema
 * (≈ 85% of a wide entry): parsing it once per table version makes decoding ~5× faster.
 * Memoisation only: the result is the same with or without it.
 */
const schemaCache = new Map<string, ConnectSchema>();

/**
 * The last schema text seen and its parsed form. Consecutive entries of a stream almost always
 * share it, and `===` on two strings is a memory compare, while a Map look-up hashes the
 * whole text and `startsWith` walks it character by character (both several times slower).
 */
interface LastSchema {
  text: string;
  schema: ConnectSchema | undefined;
}
/** Keys and values alternate, so each keeps its own last schema (else every look-up misses). */
const lastValueSchema: LastSchema = { text: '', schema: undefined };
const lastKeySchema: LastSchema = { text: '', schema: undefined };

/**
 * Splits `{"schema":…,"payload":…}` (JsonConverter's order) without parsing the schema when
 * its text was seen before. A quote inside a JSON string is escaped, so the separator can only
 * be structure: the first one ends the schema unless a schema default holds a `payload` key,
 * which makes the schema text invalid JSON. Undefined then: the caller parses the whole text.
 */
function splitCachedSchema(
  text: string,
  last: LastSchema,
): { schema: ConnectSchema | undefined; payloadText: string } | undefined {
  if (!text.startsWith(SCHEMA_PREFIX) || !text.endsWith('}')) return undefined;
  const at = text.indexOf(PAYLOAD_SEPARATOR);
  if (at < 0) return undefined;
  const schemaText = text.slice(SCHEMA_PREFIX.length, at);
  const payloadText = text.slice(at + PAYLOAD_SEPARATOR.length, -1);
  if (
    last.schema !== undefined &&
    schemaText.length === last.text.length &&
    schemaText === last.text
  ) {
    return { schema: last.schema, payloadText };
  }
  let schema = schemaCache.get(schemaText);
  if (schema === undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(schemaText);
    } catch {
      return undefined;
    }
    if (!isObject(parsed)) return undefined;
    schema = parsed as unknown as ConnectSchema;
    if (schemaCache.size >= SCHEMA_CACHE_LIMIT) schemaCache.clear();
    schemaCache.set(schemaText, schema);
  }
  last.text = schemaText;
  last.schema = schema;
  return { schema, payloadText };
}

/** The document's schema and payload, reusing the parsed schema of an earlier entry. */
function parseDocument(
  text: string,
  what: string,
): { schema: ConnectSchema | undefined; payload: unknown } {
  const split = splitCachedSchema(text, what === 'key' ? lastKeySchema : lastValueSchema);
  if (split !== undefined) {
    try {
      return {
        schema: split.schema,
        payload: parseJsonCheckingParts(split.payloadText, rowsLostDigits),
      };
    } catch {
      // The split was wrong after all: fall back to the whole text.
    }
  }
  return unwrap(parse(text, what));
}

function fieldSchema(schema: ConnectSchema | undefined, name: string): ConnectSchema | undefined {
  return schema?.fields?.find((f) => f.field === name);
}

function decodeRow(
  payload: unknown,
  schema: ConnectSchema | undefined,
  rendering: TypeRendering,
): Row | null {
  if (payload === null || payload === undefined) return null;
  if (!isObject(payload)) throw new TypeError('row is not an object');
  if (schema?.type === 'struct') return rowConverter(schema, rendering)(payload);
  return plain(payload) as Row;
}

/**
 * Whether a parsed document lost digits where they count: the rows of an envelope (bare or
 * inside `payload`), or anywhere in anything else (a key). Envelope metadata such as `ts_ns`
 * (19 digits, in every entry) is never converted, so it needs no exact parse.
 */
function rowsLostDigits(document: unknown): boolean {
  if (!isObject(document)) return holdsUnsafeInteger(document);
  const envelope = isObject(document.payload) && 'schema' in document ? document.payload : document;
  if (!('op' in envelope)) return holdsUnsafeInteger(document);
  return holdsUnsafeInteger(envelope.before) || holdsUnsafeInteger(envelope.after);
}

function parse(text: string, what: string): unknown {
  try {
    return parseJsonCheckingParts(text, rowsLostDigits);
  } catch (cause) {
    throw new SluiceError('ENVELOPE_INVALID', `The entry's ${what} is not valid JSON.`, { cause });
  }
}

function sourceText(source: Json, name: string): string {
  const value = source[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/**
 * Decodes one entry. `keyText` is the entry's `key` field (may be absent for keyless
 * tables); `valueText` is its `value` field; `rendering` picks Sluice's or RDI's renderings
 * of dates and times (docs/types.md).
 */
export function decodeEnvelope(
  keyText: string | undefined,
  valueText: string,
  rendering: TypeRendering = 'sluice',
): ChangeEvent {
  const { schema, payload } = parseDocument(valueText, 'value');
  if (!isObject(payload)) {
    throw new SluiceError('ENVELOPE_INVALID', 'The entry value has no Debezium envelope.', {
      hint: 'Only change events in Debezium JSON format belong in data:* streams.',
    });
  }
  const op = payload.op;
  if (typeof op !== 'string' || !OPCODES.has(op)) {
    throw new SluiceError(
      'ENVELOPE_INVALID',
      `The envelope has an unknown op ${JSON.stringify(op)}.`,
    );
  }
  const source = isObject(payload.source) ? payload.source : {};
  let before: Row | null;
  let after: Row | null;
  let key: Row = {};
  try {
    const types = payload[TYPES_FIELD];
    const compact: CompactSchemas | undefined =
      schema === undefined && typeof types === 'string' ? compactSchemas(types) : undefined;
    before = decodeRow(payload.before, compact?.row ?? fieldSchema(schema, 'before'), rendering);
    after = decodeRow(payload.after, compact?.row ?? fieldSchema(schema, 'after'), rendering);
    if (keyText !== undefined && keyText !== '' && keyText !== 'null') {
      const keyDoc = parseDocument(keyText, 'key');
      key = decodeRow(keyDoc.payload, keyDoc.schema ?? compact?.key, rendering) ?? {};
    }
  } catch (cause) {
    if (cause instanceof SluiceError) throw cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new SluiceError('ENVELOPE_INVALID', `A value could not be converted: ${reason}.`, {
      cause,
    });
  }
  const db = sourceText(source, 'db');
  const schemaName = sourceText(source, 'schema');
  const tsMs = payload.ts_ms ?? source.ts_ms;
  return {
    op: op as Opcode,
    key,
    before,
    after,
    db,
    schema: schemaName === '' ? db : schemaName,
    table: sourceText(source, 'table'),
    snapshot: sourceText(source, 'snapshot') || 'false',
    sourceTsMs: typeof tsMs === 'number' ? tsMs : 0,
  };
}
