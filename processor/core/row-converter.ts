// A row decoder compiled once per struct schema and rendering: the field list becomes an array
// of names and one converter function per field, chosen from the field's logical name and type
// up front instead of per value. Gives exactly convertStruct's result at depth 0 (the fast
// cases below are convertValue's own branches for those types; the rest call convertValue).

import type { CellValue, Row } from './change-event.ts';
import { UNAVAILABLE, UNAVAILABLE_PLACEHOLDER } from './change-event.ts';
import type { ConnectSchema } from './convert-value.ts';
import { convertValue, isUnavailable, logicalConverterFor } from './convert-value.ts';
import type { TypeRendering } from './type-rendering.ts';

type FieldConverter = (value: unknown) => CellValue;
export type RowConverter = (value: Readonly<Record<string, unknown>>) => Row;

const FLOAT_TYPES: ReadonlySet<string> = new Set(['float', 'float32', 'double', 'float64']);
/** Types whose values need convertValue's general path (nesting, bytes placeholders). */
const GENERAL_TYPES: ReadonlySet<string> = new Set(['struct', 'array', 'map', 'bytes']);

function fieldConverter(field: ConnectSchema, rendering: TypeRendering): FieldConverter {
  const logical = logicalConverterFor(field.name);
  if (logical !== undefined) {
    return (value) => {
      if (value === null || value === undefined) return null;
      if (typeof value === 'object') return convertValue(value, field, rendering, 0);
      return isUnavailable(value, field) ? UNAVAILABLE : logical(value, field, rendering);
    };
  }
  if (FLOAT_TYPES.has(field.type)) {
    return (value) =>
      typeof value === 'number' ? value : convertValue(value, field, rendering, 0);
  }
  if (GENERAL_TYPES.has(field.type)) return (value) => convertValue(value, field, rendering, 0);
  return (value) => {
    if (typeof value === 'string') return value === UNAVAILABLE_PLACEHOLDER ? UNAVAILABLE : value;
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
      return value;
    }
    return convertValue(value, field, rendering, 0);
  };
}

function compile(schema: ConnectSchema, rendering: TypeRendering): RowConverter {
  const names: string[] = [];
  const converters: FieldConverter[] = [];
  for (const field of schema.fields ?? []) {
    if (field.field === undefined) continue;
    names.push(field.field);
    converters.push(fieldConverter(field, rendering));
  }
  const count = names.length;
  return (value) => {
    const row: Record<string, CellValue> = {};
    for (let i = 0; i < count; i += 1) {
      const name = names[i] as string;
      row[name] = (converters[i] as FieldConverter)(value[name]);
    }
    return row;
  };
}

/** Compiled converters by schema object (parsed schemas are cached, so identities repeat). */
const compiled = new WeakMap<ConnectSchema, Partial<Record<TypeRendering, RowConverter>>>();

/** The row converter of a struct schema: convertStruct(value, schema, rendering, 0), compiled. */
export function rowConverter(schema: ConnectSchema, rendering: TypeRendering): RowConverter {
  let bySchema = compiled.get(schema);
  if (bySchema === undefined) {
    bySchema = {};
    compiled.set(schema, bySchema);
  }
  let converter = bySchema[rendering];
  if (converter === undefined) {
    converter = compile(schema, rendering);
    bySchema[rendering] = converter;
  }
  return converter;
}
