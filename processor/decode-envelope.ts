// Decodes the `key` and `value` fields of one Debezium stream entry (JSON converter, with or
// without schemas) into a ChangeEvent. Pure: text in, typed event out, SluiceError on bad input.

import { SluiceError } from '../common/errors.ts';
import type { ChangeEvent, Opcode, Row } from './change-event.ts';
import type { ConnectSchema } from './convert-value.ts';
import { convertStruct, plain } from './convert-value.ts';
import { parseJsonLossless } from './lossless-json.ts';

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

function fieldSchema(schema: ConnectSchema | undefined, name: string): ConnectSchema | undefined {
  return schema?.fields?.find((f) => f.field === name);
}

function decodeRow(payload: unknown, schema: ConnectSchema | undefined): Row | null {
  if (payload === null || payload === undefined) return null;
  if (!isObject(payload)) throw new TypeError('row is not an object');
  if (schema?.type === 'struct') return convertStruct(payload, schema);
  return plain(payload) as Row;
}

function parse(text: string, what: string): unknown {
  try {
    return parseJsonLossless(text);
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
 * tables); `valueText` is its `value` field.
 */
export function decodeEnvelope(keyText: string | undefined, valueText: string): ChangeEvent {
  const { schema, payload } = unwrap(parse(valueText, 'value'));
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
    before = decodeRow(payload.before, fieldSchema(schema, 'before'));
    after = decodeRow(payload.after, fieldSchema(schema, 'after'));
    if (keyText !== undefined && keyText !== '' && keyText !== 'null') {
      const keyDoc = unwrap(parse(keyText, 'key'));
      key = decodeRow(keyDoc.payload, keyDoc.schema) ?? {};
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
