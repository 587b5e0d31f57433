// Converts one value of Debezium's JSON converter output to a CellValue, using the Kafka
// Connect field schema that travels with the entry (logical type name + parameters).
// Exactness rules: decimals via BigInt, temporals via integer arithmetic, no Date drift.

import type { CellValue } from './change-event.ts';
import { UNAVAILABLE, UNAVAILABLE_PLACEHOLDER } from './change-event.ts';
import { decimalFromBase64 } from './decimal.ts';
import { dateFromEpochDays, localTimestamp, timeOfDay } from './temporal.ts';

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

type LogicalConverter = (value: unknown, schema: ConnectSchema) => CellValue;

const logicalConverters: Readonly<Record<string, LogicalConverter>> = {
  'io.debezium.time.Date': (v) => dateFromEpochDays(Number(v)),
  'org.apache.kafka.connect.data.Date': (v) => dateFromEpochDays(Number(v)),
  'io.debezium.time.Time': (v) => timeOfDay(toBigInt(v), 1000n, 3),
  'org.apache.kafka.connect.data.Time': (v) => timeOfDay(toBigInt(v), 1000n, 3),
  'io.debezium.time.MicroTime': (v) => timeOfDay(toBigInt(v), 1_000_000n, 6),
  'io.debezium.time.NanoTime': (v) => timeOfDay(toBigInt(v), 1_000_000_000n, 9),
  'io.debezium.time.Timestamp': (v) => localTimestamp(toBigInt(v), 1000n, 3),
  'org.apache.kafka.connect.data.Timestamp': (v) => localTimestamp(toBigInt(v), 1000n, 3),
  'io.debezium.time.MicroTimestamp': (v) => localTimestamp(toBigInt(v), 1_000_000n, 6),
  'io.debezium.time.NanoTimestamp': (v) => localTimestamp(toBigInt(v), 1_000_000_000n, 9),
  'org.apache.kafka.connect.data.Decimal': (v, s) =>
    decimalFromBase64(asText(v), Number(s.parameters?.scale ?? '0')),
  'io.debezium.data.VariableScaleDecimal': (v) => {
    const struct = v as { scale?: number; value?: string };
    return decimalFromBase64(struct.value ?? '', struct.scale ?? 0);
  },
};

/** Converts `value` (already JSON-parsed, big integers as bigint) according to `schema`. */
export function convertValue(value: unknown, schema: ConnectSchema): CellValue {
  if (value === null || value === undefined) return null;
  if (value === UNAVAILABLE_PLACEHOLDER) return UNAVAILABLE;
  const logical = schema.name === undefined ? undefined : logicalConverters[schema.name];
  if (logical) return logical(value, schema);
  switch (schema.type) {
    case 'struct':
      return convertStruct(value as Record<string, unknown>, schema);
    case 'array': {
      const items = schema.items;
      return (value as unknown[]).map((item) => (items ? convertValue(item, items) : plain(item)));
    }
    default:
      return plain(value);
  }
}

export function convertStruct(
  value: Readonly<Record<string, unknown>>,
  schema: ConnectSchema,
): Record<string, CellValue> {
  const row: Record<string, CellValue> = {};
  for (const field of schema.fields ?? []) {
    const name = field.field;
    if (name === undefined) continue;
    row[name] = convertValue(value[name], field);
  }
  return row;
}

/** Values without a schema: keep JSON scalars, recurse into containers. */
export function plain(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (value === UNAVAILABLE_PLACEHOLDER) return UNAVAILABLE;
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object') {
    const row: Record<string, CellValue> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) row[k] = plain(v);
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
