// JSON.parse that keeps every digit of integers beyond 2^53 (Debezium writes int64 and
// unsigned bigint as bare JSON numbers). Only those literals are found by a scan that skips
// strings; the rest of the text goes through native JSON.parse (a reviver is ~8× slower).

/** Marks an unsafe integer literal turned into a JSON string before parsing. */
const MARK = '\u0000int:';

const MAX_SAFE_DIGITS = '9007199254740991';

function isUnsafeInteger(digits: string): boolean {
  return digits.length > 16 || (digits.length === 16 && digits > MAX_SAFE_DIGITS);
}

/** [start, end) of each unquoted integer literal outside the safe range. */
function unsafeIntegers(text: string): [number, number][] {
  const found: [number, number][] = [];
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip a string, escapes included.
      i += 1;
      while (i < length) {
        const s = text.charCodeAt(i);
        if (s === 0x5c) i += 2;
        else if (s === 0x22) break;
        else i += 1;
      }
      i += 1;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      i += 1;
      while (i < length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i += 1;
      const next = text.charCodeAt(i);
      const isFloat = next === 0x2e || next === 0x65 || next === 0x45;
      if (isFloat) {
        while (i < length && /[0-9eE+.-]/.test(text.charAt(i))) i += 1;
      } else if (
        isUnsafeInteger(text.slice(text.charCodeAt(start) === 0x2d ? start + 1 : start, i))
      ) {
        found.push([start, i]);
      }
    } else {
      i += 1;
    }
  }
  return found;
}

function revive(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.startsWith(MARK) ? BigInt(value.slice(MARK.length)) : value;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) value[i] = revive(value[i]);
    return value;
  }
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = revive(record[key]);
  }
  return value;
}

/** Parses JSON; integers outside the safe range become `bigint`, everything else is as JSON.parse. */
export function parseJsonLossless(text: string): unknown {
  const unsafe = unsafeIntegers(text);
  if (unsafe.length === 0) return JSON.parse(text);
  let rewritten = '';
  let from = 0;
  for (const [start, end] of unsafe) {
    rewritten += `${text.slice(from, start)}"\\u0000int:${text.slice(start, end)}"`;
    from = end;
  }
  return revive(JSON.parse(rewritten + text.slice(from)));
}
