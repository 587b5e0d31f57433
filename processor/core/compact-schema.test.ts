// The compact type descriptor (compact-schema.ts) read back into Connect schemas, and entries
// captured from the real Debezium Server in the compact format (schemas off + descriptor)
// decoding to the same events as the same rows captured with value schemas (the format streams
// written before the switch still hold), in both renderings.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../common/errors.ts';
import type { ChangeEvent } from './change-event.ts';
import { compactSchemas, parseCompactSchemas } from './compact-schema.ts';
import { decodeEnvelope } from './decode-envelope.ts';
import { renderJsonValue } from './render-json-value.ts';

interface Entry {
  readonly key: string;
  readonly value: string;
}

function entries(name: string): Entry[] {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Entry);
}

describe('parseCompactSchemas', () => {
  it('reads scalar codes, logical names, parameters and the key', () => {
    const { row, key } = parseCompactSchemas(
      '{id:4,n:s,f:f,d:d,t:8@MTS,k:y@K(scale=2),b:y@B(length=12),x:s@io.example.Custom}~{id:4}',
    );
    expect(row).toEqual({
      type: 'struct',
      fields: [
        { type: 'int32', field: 'id' },
        { type: 'string', field: 'n' },
        { type: 'float', field: 'f' },
        { type: 'double', field: 'd' },
        { type: 'int64', name: 'io.debezium.time.MicroTimestamp', field: 't' },
        {
          type: 'bytes',
          name: 'org.apache.kafka.connect.data.Decimal',
          parameters: { scale: '2' },
          field: 'k',
        },
        { type: 'bytes', name: 'io.debezium.data.Bits', parameters: { length: '12' }, field: 'b' },
        { type: 'string', name: 'io.example.Custom', field: 'x' },
      ],
    });
    expect(key).toEqual({ type: 'struct', fields: [{ type: 'int32', field: 'id' }] });
  });

  it('reads arrays, maps and nested structs, and decodes escaped names', () => {
    const { row, key } = parseCompactSchemas(
      '{a:[[4@D]],m:<s,d>,v:{scale:4,value:y}@V,%3Aodd%2Cname%25:b,"日本":s(scale=1;length=3)}',
    );
    expect(key).toBeUndefined();
    expect(row.fields).toEqual([
      {
        type: 'array',
        items: { type: 'array', items: { type: 'int32', name: 'io.debezium.time.Date' } },
        field: 'a',
      },
      { type: 'map', keys: { type: 'string' }, values: { type: 'double' }, field: 'm' },
      {
        type: 'struct',
        fields: [
          { type: 'int32', field: 'scale' },
          { type: 'bytes', field: 'value' },
        ],
        name: 'io.debezium.data.VariableScaleDecimal',
        field: 'v',
      },
      { type: 'boolean', field: ':odd,name%' },
      { type: 'string', parameters: { scale: '1', length: '3' }, field: '"日本"' },
    ]);
  });

  it.each([
    ['', 1],
    ['{id:4', 6],
    ['{id:q}', 5],
    ['{id:4}~', 8],
    ['{id:4}x', 7],
    ['{id:4(scale)}', 12],
  ])('rejects %j at character %i', (text, at) => {
    let error: unknown;
    try {
      parseCompactSchemas(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SluiceError);
    expect((error as SluiceError).code).toBe('ENVELOPE_INVALID');
    expect((error as SluiceError).message).toContain(`at character ${at}:`);
  });

  it('returns the same parsed schemas for the same text', () => {
    const text = '{id:4,name:s}~{id:4}';
    expect(compactSchemas(text)).toBe(compactSchemas(text));
    // A different string object with the same text hits the cache too.
    expect(compactSchemas(['{id:4,name:s}', '{id:4}'].join('~'))).toBe(compactSchemas(text));
  });
});

/** Rows by id, decoded from the fixture `name`. */
function decodedRows(name: string, rendering: 'sluice' | 'rdi'): Map<string, ChangeEvent> {
  const rows = new Map<string, ChangeEvent>();
  for (const entry of entries(name)) {
    const event = decodeEnvelope(entry.key, entry.value, rendering);
    rows.set(JSON.stringify(renderJsonValue(event.key['id'] ?? null)), event);
  }
  return rows;
}

/** The actual bits of each row's `bit varying(20)` (e2e/support/type-table-postgres.ts). */
const VARBITS: Readonly<Record<string, string | null>> = {
  '1': '1011',
  '2': '',
  '3': '11111111111111111111',
  '4': null,
  '5': '',
  '6': '1',
  '7': '0',
  '8': '10',
};

describe.each(['sluice', 'rdi'] as const)('compact entries, %s rendering', (rendering) => {
  it.each([
    ['postgresql-all-types', 8],
    ['mariadb-all-types', 5],
    ['postgresql-toast-update', 2],
  ])('%s decodes as with value schemas', (name, count) => {
    const compact = decodedRows(`${name}-compact.jsonl`, rendering);
    const schemas = decodedRows(`${name}.jsonl`, rendering);
    expect(compact.size).toBe(count);
    for (const [id, event] of schemas) {
      const twin = compact.get(id);
      expect(twin, `row ${id}`).toBeDefined();
      if (twin === undefined) continue;
      if (name === 'postgresql-all-types') {
        // The one intended difference: the bits held, where Debezium padded them.
        expect(twin.after?.['c_varbit'], `row ${id}`).toBe(VARBITS[id] ?? null);
        const strip = (e: ChangeEvent) => ({ ...e.after, c_varbit: undefined });
        expect(strip(twin), `row ${id}`).toEqual(strip(event));
      } else {
        expect(twin.after, `row ${id}`).toEqual(event.after);
      }
      expect(twin.before, `row ${id}`).toEqual(event.before);
      expect(twin.key, `row ${id}`).toEqual(event.key);
      expect([twin.op, twin.schema, twin.table], `row ${id}`).toEqual([
        event.op,
        event.schema,
        event.table,
      ]);
    }
  });
});
