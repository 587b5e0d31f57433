import { describe, expect, it } from 'vitest';
import { UNAVAILABLE } from './change-event.ts';
import { decodeEnvelope } from './decode-envelope.ts';

// Shapes as Debezium's JsonConverter writes them (schemas enabled).
const rowSchema = {
  type: 'struct',
  optional: true,
  fields: [
    { type: 'int64', optional: false, field: 'id' },
    { type: 'string', optional: true, field: 'bio' },
    {
      type: 'bytes',
      optional: true,
      name: 'org.apache.kafka.connect.data.Decimal',
      parameters: { scale: '2', 'connect.decimal.precision': '10' },
      field: 'price',
    },
    { type: 'int32', optional: true, name: 'io.debezium.time.Date', field: 'born' },
    { type: 'int64', optional: true, name: 'io.debezium.time.MicroTimestamp', field: 'seen' },
    { type: 'string', optional: true, name: 'io.debezium.time.ZonedTimestamp', field: 'at' },
  ],
};

function value(payload: Record<string, unknown>): string {
  return JSON.stringify({
    schema: {
      type: 'struct',
      fields: [
        { ...rowSchema, field: 'before' },
        { ...rowSchema, field: 'after' },
        { type: 'struct', field: 'source', fields: [] },
        { type: 'string', field: 'op' },
      ],
    },
    payload,
  });
}

const key = JSON.stringify({
  schema: { type: 'struct', fields: [{ type: 'int64', optional: false, field: 'id' }] },
  payload: { id: 1 },
});
const source = { db: 'shop', schema: 'public', table: 'people', snapshot: 'false' };

describe('decodeEnvelope', () => {
  it('converts logical types exactly', () => {
    const text = value({
      op: 'c',
      before: null,
      after: {
        id: 1,
        bio: 'x',
        price: 'MDk=',
        born: 19723,
        seen: 1_704_067_200_123_456,
        at: '2024-01-01T00:00:00Z',
      },
      source,
      ts_ms: 1_700_000_000_000,
    });
    const event = decodeEnvelope(key, text);
    expect(event).toMatchObject({
      op: 'c',
      db: 'shop',
      schema: 'public',
      table: 'people',
      key: { id: 1 },
    });
    expect(event.after).toEqual({
      id: 1,
      bio: 'x',
      price: '123.45',
      born: '2024-01-01',
      seen: '2024-01-01T00:00:00.123456',
      at: '2024-01-01T00:00:00Z',
    });
    expect(event.sourceTsMs).toBe(1_700_000_000_000);
  });

  it('keeps 64-bit integers exact', () => {
    const text = value({ op: 'c', before: null, after: { id: 1 }, source }).replace(
      '"id":1}',
      '"id":18446744073709551615}',
    );
    expect(decodeEnvelope(key, text).after?.id).toBe(18446744073709551615n);
  });

  it('marks unchanged TOASTed values as unavailable', () => {
    const text = value({
      op: 'u',
      before: null,
      after: { id: 1, bio: '__debezium_unavailable_value' },
      source,
    });
    expect(decodeEnvelope(key, text).after?.bio).toBe(UNAVAILABLE);
  });

  it('uses the database as schema for MySQL/MariaDB sources', () => {
    const text = value({
      op: 'd',
      before: { id: 1 },
      after: null,
      source: { db: 'shop', table: 'people' },
    });
    expect(decodeEnvelope(key, text)).toMatchObject({ op: 'd', schema: 'shop', after: null });
  });

  it('rejects non-JSON and foreign entries with a coded error', () => {
    expect(() => decodeEnvelope(key, '{not json')).toThrow(
      expect.objectContaining({ code: 'ENVELOPE_INVALID' }),
    );
    expect(() => decodeEnvelope(key, '{"hello":1}')).toThrow(/unknown op/);
  });

  it('decodes repeated entries from the cached schema, and schemas with the separator text inside a string', () => {
    const text = value({ op: 'c', before: null, after: { id: 1, price: 'MDk=' }, source });
    expect(decodeEnvelope(key, text).after?.price).toBe('123.45');
    expect(decodeEnvelope(key, text).after?.price).toBe('123.45');
    const tricky = text.replace('"type":"struct"', '"doc":",\\"payload\\":{}","type":"struct"');
    expect(decodeEnvelope(key, tricky).after?.price).toBe('123.45');
  });
});
