// Turns the `input_data` of a dry-run request into change events. Three shapes: RDI's flat
// row (column values plus an optional `opcode`), a Debezium-like envelope ({op, before, after,
// key?, source?}) and a whole Debezium JSON value ({schema, payload}, or a stream entry's value
// with Sluice's `__sluice_types`, docs/types.md). Errors name the field.

import { isSluiceError, SluiceError } from '../../common/errors.ts';
import type { ChangeEvent, Opcode, Row } from '../../processor/core/change-event.ts';
import { TYPES_FIELD } from '../../processor/core/compact-schema.ts';
import { decodeEnvelope } from '../../processor/core/decode-envelope.ts';
import type { CompiledJob } from '../../processor/jobs/compile-job.ts';
import type { TypeRendering } from '../../processor/core/type-rendering.ts';
import { MAX_VALUE_DEPTH, pathDeeperThan, tooDeepText } from '../../processor/core/value-depth.ts';

const OPCODES: ReadonlySet<string> = new Set(['c', 'u', 'd', 'r']);

export interface InputOptions {
  /** Columns that form the key of flat rows; default `id` when the row has one. */
  readonly keyColumns?: readonly string[];
  /** How Debezium values are decoded (processors.type_rendering); default `sluice`. */
  readonly typeRendering?: TypeRendering;
}

type Json = Readonly<Record<string, unknown>>;

/** Levels an input may add around a row: a Debezium value wraps it in {payload: {after: …}}. */
const INPUT_WRAPPING = 3;

/**
 * Refuses an input nested deeper than a row may be (plus the envelope around it), naming it:
 * checked iteratively before anything walks it, so 3,000 levels are a 400, not a stack overflow.
 */
export function checkInputDepth(input: unknown): void {
  const items: unknown[] = Array.isArray(input) ? input : [input];
  items.forEach((item, i) => {
    if (pathDeeperThan(item, MAX_VALUE_DEPTH + INPUT_WRAPPING) === undefined) return;
    const at = Array.isArray(input) ? `body.input_data.${i}` : 'body.input_data';
    throw invalid(at, tooDeepText(MAX_VALUE_DEPTH));
  });
}

/** The events of `input` (one item or a list), in order. */
export function dryRunEvents(
  input: unknown,
  job: CompiledJob,
  options: InputOptions = {},
): ChangeEvent[] {
  checkInputDepth(input);
  const items: unknown[] = Array.isArray(input) ? input : [input];
  return items.map((item, i) => {
    const at = Array.isArray(input) ? `body.input_data.${i}` : 'body.input_data';
    if (!isObject(item)) throw invalid(at, 'must be an object (a row or a change event)');
    if (('payload' in item && 'schema' in item) || typeof item[TYPES_FIELD] === 'string') {
      return debeziumValue(item, at, job, options);
    }
    if (typeof item.op === 'string' && ('after' in item || 'before' in item))
      return envelope(item, at, job, options);
    return flatRow(item, at, job, options);
  });
}

function flatRow(item: Json, at: string, job: CompiledJob, options: InputOptions): ChangeEvent {
  const { opcode, ...row } = item;
  const op = opcodeOf(opcode ?? 'c', `${at}.opcode`);
  const key = keyOf(row, at, options);
  // JSON values of a request are valid cell values (numbers, strings, objects, lists).
  const before = op === 'd' ? (row as Row) : null;
  const after = op === 'd' ? null : (row as Row);
  return { ...placeOf({}, job), op, key, before, after, snapshot: 'false', sourceTsMs: 0 };
}

function envelope(item: Json, at: string, job: CompiledJob, options: InputOptions): ChangeEvent {
  const op = opcodeOf(item.op, `${at}.op`);
  const before = rowOf(item.before, `${at}.before`);
  const after = rowOf(item.after, `${at}.after`);
  const key =
    item.key === undefined
      ? keyOf(after ?? before ?? {}, at, options)
      : rowOf(item.key, `${at}.key`);
  const source = item.source === undefined ? item : item.source;
  if (!isObject(source)) throw invalid(`${at}.source`, 'must be an object');
  return {
    ...placeOf(source, job),
    op,
    key: key ?? {},
    before,
    after,
    snapshot: op === 'r' ? 'true' : 'false',
    sourceTsMs: typeof item.ts_ms === 'number' ? item.ts_ms : 0,
  };
}

function debeziumValue(
  item: Json,
  at: string,
  job: CompiledJob,
  options: InputOptions,
): ChangeEvent {
  let event: ChangeEvent;
  try {
    event = decodeEnvelope(undefined, JSON.stringify(item), options.typeRendering ?? 'sluice');
  } catch (error) {
    if (!isSluiceError(error)) throw error;
    throw invalid(at, `is not a Debezium change event: ${error.message}`);
  }
  const row = event.after ?? event.before ?? {};
  const place = placeOf({ db: event.db, schema: event.schema, table: event.table }, job);
  return { ...event, ...place, key: keyOf(row, at, options) };
}

/** db, schema and table of an event: the input's, else the job's source, else placeholders. */
function placeOf(source: Json, job: CompiledJob): Pick<ChangeEvent, 'db' | 'schema' | 'table'> {
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' && value.length > 0 ? value : undefined;
  const wanted = job.source;
  const table = text(source.table) ?? (wanted.table === '*' ? 'dry_run' : wanted.table);
  const schema = text(source.schema) ?? wanted.schema ?? text(source.db) ?? wanted.db ?? 'public';
  return { db: text(source.db) ?? wanted.db ?? schema, schema, table };
}

function keyOf(row: Json, at: string, options: InputOptions): Row {
  const columns = options.keyColumns ?? ('id' in row ? ['id'] : []);
  const key: Record<string, unknown> = {};
  for (const column of columns) {
    if (!(column in row))
      throw invalid(`${at}.${column}`, `is missing; body.key_columns names it as a key column`);
    key[column] = row[column];
  }
  return key as Row;
}

function opcodeOf(value: unknown, at: string): Opcode {
  if (typeof value === 'string' && OPCODES.has(value)) return value as Opcode;
  throw invalid(at, 'must be one of c, u, d, r');
}

function rowOf(value: unknown, at: string): Row | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw invalid(at, 'must be an object or null');
  return value as Row;
}

function invalid(path: string, message: string): SluiceError {
  return new SluiceError('REQUEST_INVALID', `${path} ${message}.`, { path });
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
