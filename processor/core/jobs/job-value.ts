// The values a job's expressions see and produce: plain JSON data. Converts the decoder's
// CellValues into it (big integers beyond 2^53 become digit strings, so nothing is rounded)
// and renders values as Redis hash fields and JSON documents.

import type { CellValue, Row } from '../change-event.ts';
import { UNAVAILABLE } from '../change-event.ts';
import { numberText } from '../render-hash-value.ts';
import type { TypeRendering } from '../type-rendering.ts';
import { SluiceError } from '../../../common/errors.ts';
import { MAX_VALUE_DEPTH, tooDeepText } from '../value-depth.ts';

export type JobValue =
  string | number | boolean | null | readonly JobValue[] | { readonly [field: string]: JobValue };

export type JobObject = { readonly [field: string]: JobValue };

export function isJobObject(value: unknown): value is JobObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A CellValue as job data; UNAVAILABLE has no job value (the caller keeps the column aside).
 * A value nested deeper than MAX_VALUE_DEPTH is refused (JOB_LIMIT_EXCEEDED, so the record
 * goes to the DLQ): the recursion stays bounded whatever the source sends.
 */
export function toJobValue(value: Exclude<CellValue, typeof UNAVAILABLE>, depth = 0): JobValue {
  if (typeof value === 'bigint') {
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_VALUE_DEPTH) throw tooDeep('the record');
  if (Array.isArray(value)) {
    return (value as readonly CellValue[]).map((item) =>
      item === UNAVAILABLE ? null : toJobValue(item, depth + 1),
    );
  }
  return rowToJob(value as Row, depth + 1).data;
}

/** A row as job data, and the columns the source did not send (unchanged TOASTed values). */
export function rowToJob(row: Row, depth = 0): { data: JobObject; unavailable: string[] } {
  const data: Record<string, JobValue> = {};
  const unavailable: string[] = [];
  const columns = Object.keys(row);
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i] as string;
    const value = row[column] as CellValue;
    if (value === UNAVAILABLE) unavailable.push(column);
    else data[column] = toJobValue(value, depth);
  }
  return { data, unavailable };
}

function tooDeep(what: string): SluiceError {
  return new SluiceError('JOB_LIMIT_EXCEEDED', `${what} ${tooDeepText()}`);
}

/**
 * Arbitrary expression output as job data; undefined and functions are dropped. A result
 * nested deeper than MAX_VALUE_DEPTH is refused like a too-deep record.
 */
export function fromExpression(value: unknown, depth = 0): JobValue | undefined {
  if (value === undefined || typeof value === 'function') return undefined;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined;
  if (depth >= MAX_VALUE_DEPTH) throw tooDeep('the expression result');
  if (Array.isArray(value)) {
    return value.map((item: unknown) => fromExpression(item, depth + 1) ?? null);
  }
  const out: Record<string, JobValue> = {};
  const record = value as Record<string, unknown>;
  // Object.keys, not entries: one array per object rather than one per field (hot path).
  const fields = Object.keys(record);
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
    const converted = fromExpression(record[field], depth + 1);
    if (converted !== undefined) out[field] = converted;
  }
  return out;
}

/**
 * Text of a non-null value for a hash field, a key part or a stream field, as the default job
 * writes it (docs/types.md): numbers in their shortest round-trip form (`-0` kept), booleans
 * `true` / `false`, or `1` / `0` with the `rdi` rendering; objects and lists as JSON text (as
 * the default job writes arrays).
 */
export function renderText(
  value: Exclude<JobValue, null>,
  rendering: TypeRendering = 'sluice',
): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') {
    if (rendering === 'rdi') return value ? '1' : '0';
    return value ? 'true' : 'false';
  }
  return JSON.stringify(value);
}

// JSON.rawJSON (Node 21+) writes text verbatim; TypeScript's lib lacks it.
const rawJson = (JSON as unknown as { rawJSON: (text: string) => unknown }).rawJSON;

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value !== 'number') return value;
  // JSON has no NaN or ±Infinity (JSON.stringify would write null): strings, as docs/types.md.
  if (!Number.isFinite(value)) return String(value);
  return Object.is(value, -0) ? rawJson('-0') : value;
}

/** A document, list or value as JSON text, with docs/types.md's JSON rendering of numbers. */
export function documentJson(value: JobValue): string {
  return JSON.stringify(value, jsonReplacer);
}
