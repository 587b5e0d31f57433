// Reads the compact type descriptor that Sluice's Debezium transformation adds to each change
// event (`__sluice_types`, collector/java/.../TypeDescriptor.java, docs/types.md) back into the
// Kafka Connect schemas the converters use, so entries without schemas render exactly as entries
// with them. Pure; parsed once per descriptor text.

import { SluiceError } from '../../common/errors.ts';
import type { ConnectSchema } from './convert-value.ts';

/** The envelope field holding the descriptor. */
export const TYPES_FIELD = '__sluice_types';

/** The row's schema (`before` and `after`) and, when the key is a struct, the key's. */
export interface CompactSchemas {
  readonly row: ConnectSchema;
  readonly key: ConnectSchema | undefined;
}

/** Codes of TypeDescriptor.java; any other logical name is written out in full. */
const LOGICAL_NAMES: Readonly<Record<string, string>> = {
  D: 'io.debezium.time.Date',
  KD: 'org.apache.kafka.connect.data.Date',
  T: 'io.debezium.time.Time',
  KT: 'org.apache.kafka.connect.data.Time',
  MT: 'io.debezium.time.MicroTime',
  NT: 'io.debezium.time.NanoTime',
  TS: 'io.debezium.time.Timestamp',
  KTS: 'org.apache.kafka.connect.data.Timestamp',
  MTS: 'io.debezium.time.MicroTimestamp',
  NTS: 'io.debezium.time.NanoTimestamp',
  ZTS: 'io.debezium.time.ZonedTimestamp',
  ZT: 'io.debezium.time.ZonedTime',
  MD: 'io.debezium.time.MicroDuration',
  I: 'io.debezium.time.Interval',
  Y: 'io.debezium.time.Year',
  K: 'org.apache.kafka.connect.data.Decimal',
  V: 'io.debezium.data.VariableScaleDecimal',
  B: 'io.debezium.data.Bits',
  J: 'io.debezium.data.Json',
  X: 'io.debezium.data.Xml',
  U: 'io.debezium.data.Uuid',
  E: 'io.debezium.data.Enum',
  ES: 'io.debezium.data.EnumSet',
};

/** Connect types of the one-character codes, as JsonConverter names them. */
const SCALAR_TYPES: Readonly<Record<string, string>> = {
  b: 'boolean',
  '1': 'int8',
  '2': 'int16',
  '4': 'int32',
  '8': 'int64',
  f: 'float',
  d: 'double',
  s: 'string',
  y: 'bytes',
};

/** Characters that end a name or value (the others arrive %-escaped inside one). */
const DELIMITERS = new Set([',', ':', ';', '{', '}', '[', ']', '<', '>', '(', ')', '@', '=', '~']);

class DescriptorReader {
  #at = 0;
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  fail(expected: string): never {
    throw new SluiceError(
      'ENVELOPE_INVALID',
      `The entry's ${TYPES_FIELD} is malformed at character ${this.#at + 1}: expected ${expected}.`,
      {
        hint: "It is written by Sluice's Debezium transformation; was the entry produced by another writer?",
      },
    );
  }

  atEnd(): boolean {
    return this.#at >= this.#text.length;
  }

  peek(): string {
    return this.#text.charAt(this.#at);
  }

  take(expected: string): void {
    if (this.#text.charAt(this.#at) !== expected) this.fail(`'${expected}'`);
    this.#at += 1;
  }

  /** A name or value up to the next delimiter, %XX escapes decoded. */
  word(): string {
    const start = this.#at;
    while (this.#at < this.#text.length && !DELIMITERS.has(this.#text.charAt(this.#at))) {
      this.#at += 1;
    }
    const raw = this.#text.slice(start, this.#at);
    if (!raw.includes('%')) return raw;
    return raw.replace(/%([0-9A-F]{2})/g, (_m, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
  }

  struct(): ConnectSchema {
    this.take('{');
    const fields: ConnectSchema[] = [];
    while (this.peek() !== '}') {
      if (fields.length > 0) this.take(',');
      const name = this.word();
      this.take(':');
      fields.push({ ...this.type(), field: name });
    }
    this.take('}');
    return { type: 'struct', fields };
  }

  type(): ConnectSchema {
    const code = this.peek();
    let schema: ConnectSchema;
    if (code === '{') {
      schema = this.struct();
    } else if (code === '[') {
      this.take('[');
      const items = this.type();
      this.take(']');
      schema = { type: 'array', items };
    } else if (code === '<') {
      this.take('<');
      const keys = this.type();
      this.take(',');
      const values = this.type();
      this.take('>');
      schema = { type: 'map', keys, values };
    } else {
      const type = SCALAR_TYPES[code];
      if (type === undefined) this.fail('a type code');
      this.#at += 1;
      schema = { type };
    }
    if (this.peek() === '@') {
      this.take('@');
      const name = this.word();
      schema = { ...schema, name: LOGICAL_NAMES[name] ?? name };
    }
    if (this.peek() === '(') {
      this.take('(');
      const parameters: Record<string, string> = {};
      do {
        if (Object.keys(parameters).length > 0) this.take(';');
        const key = this.word();
        this.take('=');
        parameters[key] = this.word();
      } while (this.peek() === ';');
      this.take(')');
      schema = { ...schema, parameters };
    }
    return schema;
  }
}

/** Parses a descriptor: `<row struct>` then, for a struct key, `~<key struct>`. */
export function parseCompactSchemas(text: string): CompactSchemas {
  const reader = new DescriptorReader(text);
  const row = reader.struct();
  let key: ConnectSchema | undefined;
  if (reader.peek() === '~') {
    reader.take('~');
    key = reader.struct();
  }
  if (!reader.atEnd()) reader.fail('the end of the descriptor');
  return { row, key };
}

const CACHE_LIMIT = 512;
/** Parsed descriptors by text: one per table version, as the schemas they replace. */
const cache = new Map<string, CompactSchemas>();
let lastText = '';
let lastSchemas: CompactSchemas | undefined;

/** The schemas of a descriptor, parsed once; consecutive entries usually share the text. */
export function compactSchemas(text: string): CompactSchemas {
  if (lastSchemas !== undefined && text === lastText) return lastSchemas;
  let schemas = cache.get(text);
  if (schemas === undefined) {
    schemas = parseCompactSchemas(text);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(text, schemas);
  }
  lastText = text;
  lastSchemas = schemas;
  return schemas;
}
