// One documented text rendering of a CellValue for hash fields and key parts. Scalars keep
// their exact text (doubles in their shortest round-trip form); containers become JSON with
// big integers written as digits. docs/types.md lists the rendering of every column type.

import type { CellValue, UNAVAILABLE } from './change-event.ts';
import type { TypeRendering } from './type-rendering.ts';

// JSON.rawJSON (Node 21+) writes a bigint's digits verbatim; TypeScript's lib lacks it.
const rawJson = (JSON as unknown as { rawJSON: (text: string) => unknown }).rawJSON;

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return rawJson(value.toString());
  return value;
}

/** Shortest text that reads back as the same double; keeps -0 and the non-finite values. */
export function numberText(value: number): string {
  if (Object.is(value, -0)) return '-0';
  return String(value);
}

/**
 * Text for a non-null value; `null` and UNAVAILABLE have no text (the caller decides).
 * With the `rdi` rendering, booleans are '1' / '0' as RDI writes them.
 */
export function renderHashValue(
  value: Exclude<CellValue, null | typeof UNAVAILABLE>,
  rendering: TypeRendering = 'sluice',
): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return numberText(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      if (rendering === 'rdi') return value ? '1' : '0';
      return value ? 'true' : 'false';
    default:
      return JSON.stringify(value, jsonReplacer);
  }
}
