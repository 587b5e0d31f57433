// Converts one value of Debezium's JSON converter output to a CellValue, using the Kafka
// Connect field schema that travels with the entry (logical type name + parameters).
// Exactness rules: decimals via BigInt, temporals via integer arithmetic, no Date drift.

import type { CellValue } from './change-event.ts';
import { UNAVAILABLE, UNAVAILABLE_PLACEHOLDER } from './change-event.ts';
import { decimalFromBase64 } from './decimal.ts';
import {
  dateFromEpochDays,
  durationFromMicros,
  localTimestamp,
  normalizedZoned,
  timeOfDay,
} from './temporal.ts';
import { bitsFromBase64 } from './type-bits.ts';
import { infiniteDate, infiniteTimestamp } from './type-infinity.ts';
import { rdiDate, rdiTime, rdiTimestamp, rdiZonedTime, rdiZonedTimestamp } from './type-rdi.ts';
import type { TypeRendering } from './type-rendering.ts';
import { MAX_VALUE_DEPTH, tooDeepText } from './value-depth.ts';

/** Kafka Connect schema as serialized by JsonConverter. */
export interface ConnectSchema {
  readonly type: string;
  readonly name?: string;
  readonly optional?: boolean;
  readonly field?: string;
  readonly fields?: readonly ConnectSchema[];
  readonly items?: ConnectSchema;
  readonly keys?: ConnectSchema;
  readonly values?: ConnectSchema;
  readonly parameters?: Readonly<Record<string, string>>;
}

function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(value);
  if (typeof value === 'string') return BigInt(value);
  throw new TypeError(`expected an integer, got ${typeof value}`);
}

function asText(value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`expected text, got ${typeof value}`);
  return value;
}

/** Jackson writes float NaN and infinities as the strings "NaN", "Infinity", "-Infinity". */
function toFloat(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
  throw new TypeError(`expected a floating-point number, got ${JSON.stringify(value)}`);
}

export type LogicalConverter = (
  value: unknown,
  schema: ConnectSchema,
  rendering: TypeRendering,
) => CellValue;

function date(value: unknown, _schema: ConnectSchema, rendering: TypeRendering): CellValue {
  const days = toBigInt(value);
  return infiniteDate(days) ?? (rendering === 'rdi' ? rdiDate(days) : dateFromEpochDays(days));
}

function time(unitsPerSecond: bigint, digits: number): LogicalConverter {
  return (value, _schema, rendering) => {
    const units = toBigInt(value);
    return rendering === 'rdi'
      ? rdiTime(units, unitsPerSecond)
      : timeOfDay(units, unitsPerSecond, digits);
  };
}

function timestamp(unitsPerSecond: bigint, digits: number): LogicalConverter {
  return (value, _schema, rendering) => {
    const units = toBigInt(value);
    const infinite = infiniteTimestamp(units, unitsPerSecond);
    if (infinite !== undefined) return infinite;
    return rendering === 'rdi'
      ? rdiTimestamp(units, unitsPerSecond)
      : localTimestamp(units, unitsPerSecond, digits);
  };
}

const logicalConverters: Readonly<Record<string, LogicalConverter>> = {
  'io.debezium.time.Date': date,
  'org.apache.kafka.connect.data.Date': date,
  'io.debezium.time.Time': time(1000n, 3),
  'org.apache.kafka.connect.data.Time': time(1000n, 3),
  'io.debezium.time.MicroTime': time(1_000_000n, 6),
  'io.debezium.time.NanoTime': time(1_000_000_000n, 9),
  'io.debezium.time.Timestamp': timestamp(1000n, 3),
  'org.apache.kafka.connect.data.Timestamp': timestamp(1000n, 3),
  'io.debezium.time.MicroTimestamp': timestamp(1_000_000n, 6),
  'io.debezium.time.NanoTimestamp': timestamp(1_000_000_000n, 9),
  'io.debezium.time.ZonedTimestamp': (v, _s, r) =>
    r === 'rdi' ? rdiZonedTimestamp(asText(v)) : normalizedZoned(asText(v)),
  'io.debezium.time.ZonedTime': (v, _s, r) =>
    r === 'rdi' ? rdiZonedTime(asText(v)) : normalizedZoned(asText(v)),
  'io.debezium.time.MicroDuration': (v) => durationFromMicros(toBigInt(v)),
  'org.apache.kafka.connect.data.Decimal': (v, s) =>
    decimalFromBase64(asText(v), Number(s.parameters?.scale ?? '0')),
  'io.debezium.data.VariableScaleDecimal': (v) => {
    const struct = v as { scale?: number; value?: string };
    return decimalFromBase64(struct.value ?? '', struct.scale ?? 0);
  },
  'io.debezium.data.Bits': (v, s) => bitsFromBase64(asText(v), Number(s.parameters?.length ?? '0')),
};

/** The converter of a logical type name, if Sluice converts it (else the Connect type rules). */
export function logicalConverterFor(name: string | undefined): LogicalConverter | undefined {
  return name === undefined || !Object.hasOwn(logicalConverters, name)
    ? undefined
    : logicalConverters[name];
}

/** Converts `value` (already JSON-parsed, big integers as bigint) according to `schema`. */
export function convertValue(
  value: unknown,
  schema: ConnectSchema,
  rendering: TypeRendering = 'sluice',
  depth = 0,
): CellValue {
  if (value === null || value === undefined) return null;
  // The decoder's caller turns this into ENVELOPE_INVALID: a bounded recursion, never a RangeError.
  if (typeof value === 'object' && depth >= MAX_VALUE_DEPTH) {
    throw new TypeError(`the value ${tooDeepText()}`);
  }
  if (isUnavailable(value, schema)) return UNAVAILABLE;
  const logical = logicalConverterFor(schema.name);
  if (logical) return logical(value, schema, rendering);
  switch (schema.type) {
    case 'struct':
      return convertStruct(value as Record<string, unknown>, schema, rendering, depth + 1);
    case 'array': {
      const items = schema.items;
      const list = (value as unknown[]).map((item) =>
        items ? convertValue(item, items, rendering, depth + 1) : plain(item, depth + 1),
      );
      // An unchanged TOASTed array arrives as an array holding only the placeholder.
      return list.length === 1 && list[0] === UNAVAILABLE ? UNAVAILABLE : list;
    }
    case 'float':
    case 'float32':
    case 'double':
    case 'float64':
      return toFloat(value);
    default:
      return plain(value, depth);
  }
}

/** Debezium's placeholder for an unchanged TOASTed column, as text or (bytea) base64 bytes. */
const UNAVAILABLE_BASE64 = Buffer.from(UNAVAILABLE_PLACEHOLDER).toString('base64');

export function isUnavailable(value: unknown, schema: ConnectSchema): boolean {
  if (value === UNAVAILABLE_PLACEHOLDER) return true;
  return schema.type === 'bytes' && value === UNAVAILABLE_BASE64;
}

export function convertStruct(
  value: Readonly<Record<string, unknown>>,
  schema: ConnectSchema,
  rendering: TypeRendering = 'sluice',
  depth = 0,
): Record<string, CellValue> {
  const row: Record<string, CellValue> = {};
  for (const field of schema.fields ?? []) {
    const name = field.field;
    if (name === undefined) continue;
    row[name] = convertValue(value[name], field, rendering, depth);
  }
  return row;
}

/** Values without a schema: keep JSON scalars, recurse into containers. */
export function plain(value: unknown, depth = 0): CellValue {
  if (value === null || value === undefined) return null;
  if (value === UNAVAILABLE_PLACEHOLDER) return UNAVAILABLE;
  if (typeof value === 'object' && depth >= MAX_VALUE_DEPTH) {
    throw new TypeError(`the value ${tooDeepText()}`);
  }
  if (Array.isArray(value)) return value.map((item: unknown) => plain(item, depth + 1));
  if (typeof value === 'object') {
    const row: Record<string, CellValue> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      row[k] = plain(v, depth + 1);
    }
    return row;
  }
  if (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    typeof value === 'boolean'
  ) {
    return value;
  }
  throw new TypeError(`unexpected ${typeof value} value`);
}
