// JSON.parse that keeps every digit of integers beyond 2^53 (Debezium writes int64 and
// unsigned bigint as bare JSON numbers). The slow reviver path runs only when the text
// actually contains a long digit run, so ordinary entries parse at native speed.

const LONG_INTEGER = /[-:[,\s]\d{16,}/;

interface ReviverContext {
  readonly source?: string;
}

function keepBigIntegers(
  this: unknown,
  _key: string,
  value: unknown,
  context?: ReviverContext,
): unknown {
  if (typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined) {
    if (/^-?\d+$/.test(context.source)) return BigInt(context.source);
  }
  return value;
}

/** Parses JSON; integers outside the safe range become `bigint`, everything else is as JSON.parse. */
export function parseJsonLossless(text: string): unknown {
  if (!LONG_INTEGER.test(text)) return JSON.parse(text);
  return JSON.parse(text, keepBigIntegers);
}
