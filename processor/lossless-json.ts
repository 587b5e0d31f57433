// JSON.parse that keeps every digit of integers beyond 2^53 (Debezium writes int64 and
// unsigned bigint as bare JSON numbers). A native regex finds texts that may hold such a
// literal; only those take the slower reviver path, which reads each number's source text.

/**
 * A number literal that may be outside the safe range: 17+ digits, or 16 digits starting
 * with 9 (2^53 = 9007199254740992). Debezium's own `ts_ns` (19 digits, in every envelope and
 * its `source`) is skipped: it is never written to Redis, and matching it would send every
 * entry down the slow path. A match inside a string only costs the slow path, never exactness.
 */
const MAYBE_UNSAFE = /(?:(?<!"ts_ns"):|[[,])-?(?:\d{17,}|9\d{15})(?![\d.eE])/;

interface ReviverContext {
  readonly source?: string;
}

function keepBigIntegers(_key: string, value: unknown, context?: ReviverContext): unknown {
  if (typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined) {
    if (/^-?\d+$/.test(context.source)) return BigInt(context.source);
  }
  return value;
}

/** Parses JSON; integers outside the safe range become `bigint`, everything else is as JSON.parse. */
export function parseJsonLossless(text: string): unknown {
  if (!MAYBE_UNSAFE.test(text)) return JSON.parse(text);
  return JSON.parse(text, keepBigIntegers);
}
