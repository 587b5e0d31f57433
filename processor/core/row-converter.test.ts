// The compiled row converter (row-converter.ts) against convertStruct on every captured all-types
// and TOAST entry, both formats and renderings; and the parse that re-reads a text exactly only
// when a row lost digits (lossless-json.ts holdsUnsafeInteger / parseJsonCheckingParts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compactSchemas, TYPES_FIELD } from './compact-schema.ts';
import { convertStruct, type ConnectSchema } from './convert-value.ts';
import { decodeEnvelope } from './decode-envelope.ts';
import { holdsUnsafeInteger, parseJsonLossless } from './lossless-json.ts';
import { rowConverter } from './row-converter.ts';

type Json = Record<string, unknown>;

function values(name: string): string[] {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { value: string }).value);
}

/** The row schema and the row payloads (before, after) of one entry. */
function rowsOf(text: string): { schema: ConnectSchema; rows: Json[] } {
  const document = parseJsonLossless(text) as Json;
  const schema = document['schema'] as ConnectSchema | undefined;
  const envelope = (schema === undefined ? document : document['payload']) as Json;
  const rowSchema =
    schema === undefined
      ? compactSchemas(envelope[TYPES_FIELD] as string).row
      : (schema.fields?.find((f) => f.field === 'after') as ConnectSchema);
  const rows = [envelope['before'], envelope['after']].filter((r): r is Json => r !== null);
  return { schema: rowSchema, rows };
}

describe.each(['sluice', 'rdi'] as const)('rowConverter, %s rendering', (rendering) => {
  it.each([
    'postgresql-all-types',
    'postgresql-all-types-compact',
    'mariadb-all-types',
    'mariadb-all-types-compact',
    'postgresql-toast-update',
    'postgresql-toast-update-compact',
  ])('%s converts every row as convertStruct', (name) => {
    let compared = 0;
    for (const text of values(`${name}.jsonl`)) {
      const { schema, rows } = rowsOf(text);
      const convert = rowConverter(schema, rendering);
      expect(rowConverter(schema, rendering)).toBe(convert);
      for (const row of rows) {
        expect(convert(row)).toEqual(convertStruct(row, schema, rendering));
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(1);
  });
});

describe('exact re-parse only where rows lost digits', () => {
  it('holdsUnsafeInteger finds integers beyond 2^53 at any depth, and nothing else', () => {
    expect(holdsUnsafeInteger({ a: 1, b: 'x', c: [1.5, null, { d: 2 ** 53 - 1 }] })).toBe(false);
    expect(holdsUnsafeInteger({ c: [1, { d: 2 ** 53 }] })).toBe(true);
    expect(holdsUnsafeInteger(-(2 ** 60))).toBe(true);
    expect(holdsUnsafeInteger({ f: 1e300 })).toBe(true);
    expect(holdsUnsafeInteger({ f: Number.NaN, g: Infinity })).toBe(false);
    const nested = (levels: number, inner: unknown): unknown =>
      levels === 0 ? inner : nested(levels - 1, { a: inner });
    expect(holdsUnsafeInteger(nested(100, 2 ** 60))).toBe(true);
    // Deeper than the converters accept: not searched (they refuse the row anyway).
    expect(holdsUnsafeInteger(nested(200, 2 ** 60))).toBe(false);
  });

  it('decodes big integers of compact rows and keys exactly, next to a 19-digit ts_ns', () => {
    const value =
      '{"before":null,"after":{"id":18446744073709551615,"n":[9007199254740993]},' +
      '"source":{"db":"d","schema":"public","table":"t","ts_ns":1764470000123456789},' +
      '"op":"c","ts_ms":1,"ts_ns":1764470000123456789,"__sluice_types":"{id:8,n:[8]}~{id:8}"}';
    const event = decodeEnvelope('{"id":18446744073709551615}', value);
    expect(event.after).toEqual({ id: 18446744073709551615n, n: [9007199254740993n] });
    expect(event.key).toEqual({ id: 18446744073709551615n });
    const safe = decodeEnvelope('{"id":7}', value.replace('18446744073709551615', '7'));
    expect(safe.after?.['id']).toBe(7);
  });
});
