// JSON.parse that keeps every digit of integers beyond 2^53 (Debezium writes int64 and
// unsigned bigint as bare JSON numbers). A text is parsed once with plain JSON.parse; only when
// the result holds an integral number beyond the safe range (in the parts that matter) is it
// parsed again with a reviver that reads each such number's source text.

import { MAX_VALUE_DEPTH } from './value-depth.ts';

interface ReviverContext {
  readonly source?: string;
}

function keepBigIntegers(_key: string, value: unknown, context?: ReviverContext): unknown {
  if (typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined) {
    if (/^-?\d+$/.test(context.source)) return BigInt(context.source);
  }
  return value;
}

/**
 * Parses JSON; integers outside the safe range become `bigint`, everything else is as
 * JSON.parse. Debezium's own `ts_ns` (19 digits, in every envelope and its `source`) is not
 * looked at: it is never written to Redis, and it would send every entry down the exact parse.
 */
export function parseJsonLossless(text: string): unknown {
  return parseJsonCheckingParts(text, (document) => holdsUnsafeInteger(document, 0, 'ts_ns'));
}

/**
 * True when `value` (a plain JSON.parse result) holds an integral number outside the safe
 * range anywhere (but under keys named `skippedKey`). Exact as a test for lost digits: an integer literal below 2^53 in magnitude
 * parses exactly, and one at or above it parses to a double at or above it. Objects more than
 * MAX_VALUE_DEPTH levels inside a row are not searched: the converters refuse them anyway, and
 * an exact (reviver) parse of a text nested thousands deep would overflow the stack.
 */
export function holdsUnsafeInteger(value: unknown, depth = 0, skippedKey?: string): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && !Number.isSafeInteger(value);
  if (typeof value !== 'object' || value === null) return false;
  if (depth > MAX_VALUE_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (holdsUnsafeInteger(item, depth + 1, skippedKey)) return true;
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (key !== skippedKey && holdsUnsafeInteger(record[key], depth + 1, skippedKey)) return true;
  }
  return false;
}

/**
 * Parses JSON with plain JSON.parse, and again exactly (as parseJsonLossless) only when
 * `lostDigits` finds an unsafe integer in the parts of the result that matter: no scan of the
 * text, and the common entry is parsed once.
 */
export function parseJsonCheckingParts(
  text: string,
  lostDigits: (document: unknown) => boolean,
): unknown {
  const document: unknown = JSON.parse(text);
  return lostDigits(document) ? JSON.parse(text, keepBigIntegers) : document;
}
