// Makes job records safe for a JSON response: exact big integers become decimal strings and
// the "unchanged TOAST value" marker becomes Debezium's placeholder text. Pure.

import { UNAVAILABLE, UNAVAILABLE_PLACEHOLDER } from '../../processor/core/change-event.ts';

export function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value === UNAVAILABLE) return UNAVAILABLE_PLACEHOLDER;
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, jsonSafe(v)]));
  }
  return value;
}
