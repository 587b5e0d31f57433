// One documented rendering of a CellValue inside a JSON document (RedisJSON): JSON scalars
// where they are exact, strings where a JSON number would lose digits. Pure; the result is
// for JSON.stringify (big integers are JSON.rawJSON objects that write their digits verbatim).

import type { CellValue } from './change-event.ts';
import { UNAVAILABLE } from './change-event.ts';

// JSON.rawJSON (Node 21+); TypeScript's lib lacks it.
const rawJson = (JSON as unknown as { rawJSON: (text: string) => unknown }).rawJSON;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The JSON value of a column: integers as numbers (64-bit ones with every digit; beyond the
 * signed 64-bit range, which RedisJSON would round, as strings), NaN and ±Infinity as strings,
 * -0 as -0, containers recursively. UNAVAILABLE (unsent TOAST value) → undefined: left out.
 */
export function renderJsonValue(value: CellValue): unknown {
  if (value === null) return null;
  if (value === UNAVAILABLE) return undefined;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) return String(value);
      return Object.is(value, -0) ? rawJson('-0') : value;
    case 'bigint':
      return value >= INT64_MIN && value <= INT64_MAX
        ? rawJson(value.toString())
        : value.toString();
    default:
      break;
  }
  if (Array.isArray(value)) return value.map(renderJsonValue);
  const out: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    const rendered = renderJsonValue(item);
    if (rendered !== undefined) out[name] = rendered;
  }
  return out;
}
