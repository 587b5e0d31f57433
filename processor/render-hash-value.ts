// One documented text rendering of a CellValue for hash fields and key parts. Scalars keep
// their exact text; containers become JSON with big integers written as digits.

import type { CellValue, UNAVAILABLE } from './change-event.ts';

// JSON.rawJSON (Node 21+) writes a bigint's digits verbatim; TypeScript's lib lacks it.
const rawJson = (JSON as unknown as { rawJSON: (text: string) => unknown }).rawJSON;

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return rawJson(value.toString());
  return value;
}

/** Text for a non-null value; `null` and UNAVAILABLE have no text (the caller decides). */
export function renderHashValue(value: Exclude<CellValue, null | typeof UNAVAILABLE>): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value)
        ? String(value)
        : value > 0
          ? 'Infinity'
          : value < 0
            ? '-Infinity'
            : 'NaN';
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return JSON.stringify(value, jsonReplacer);
  }
}
