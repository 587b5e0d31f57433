// The converters on entries captured from the real Debezium Server 3.6 (bench/type-modes/
// capture-entries.ts; *-compact.jsonl in the mode render-properties.ts sets): every column of
// every edge row renders as docs/types.md documents (the .hash.json files hold the expected
// hash fields).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UNAVAILABLE, type CellValue } from './core/change-event.ts';
import { decodeEnvelope } from './core/decode-envelope.ts';
import { renderHashValue } from './core/render-hash-value.ts';
import { renderJsonValue } from './core/render-json-value.ts';

interface Entry {
  readonly key: string;
  readonly value: string;
}

const fixture = (name: string) => new URL(`fixtures/${name}`, import.meta.url);

function entries(name: string): Entry[] {
  return readFileSync(fixture(name), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Entry);
}

/** The row id of the entry's key, with (`{"schema":…,"payload":{"id":1}}`) or without schema. */
function keyId(entry: Entry): number {
  const key = JSON.parse(entry.key) as { id?: number; payload?: { id: number } };
  return key.payload?.id ?? key.id ?? Number.NaN;
}

function hashOf(row: Readonly<Record<string, CellValue>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [column, value] of Object.entries(row)) {
    if (value !== null && value !== UNAVAILABLE) out[column] = renderHashValue(value);
  }
  return out;
}

describe.each(['postgresql-all-types', 'mariadb-all-types'])('%s', (name) => {
  const expected = JSON.parse(readFileSync(fixture(`${name}.hash.json`), 'utf8')) as Record<
    string,
    Record<string, string>
  >;
  // Entries in the format Sluice renders (schemas off, compact type descriptor).
  it.each(entries(`${name}-compact.jsonl`).map((entry) => [keyId(entry), entry]))(
    'renders row %s exactly',
    (id, entry) => {
      const event = decodeEnvelope(entry.key, entry.value);
      expect(hashOf(event.after ?? {})).toEqual(expected[String(id)]);
    },
  );
});

function row(name: string, id: number, rendering: 'sluice' | 'rdi' = 'sluice') {
  for (const entry of entries(name)) {
    const event = decodeEnvelope(entry.key, entry.value, rendering);
    if (event.after?.['id'] === id) return event.after;
  }
  throw new Error(`no row ${id}`);
}

describe('PostgreSQL specifics', () => {
  it('marks unchanged TOASTed text, bytea, json and array columns as unavailable', () => {
    for (const entry of entries('postgresql-toast-update.jsonl')) {
      const after = decodeEnvelope(entry.key, entry.value).after ?? {};
      expect(after['counter']).toBe(1);
      for (const column of ['big_text', 'big_bytea', 'big_json', 'big_array']) {
        expect(after[column]).toBe(UNAVAILABLE);
      }
    }
  });

  it('keeps int64 beyond 2^53 exact', () => {
    expect(row('postgresql-all-types.jsonl', 1)['c_bigint']).toBe(9007199254740993n);
    expect(row('postgresql-all-types.jsonl', 2)['c_bigint']).toBe(-9223372036854775808n);
  });
});

describe('JSON document values', () => {
  const json = (value: CellValue) => JSON.stringify(renderJsonValue(value));

  it('keeps numbers exact and turns what JSON cannot hold into strings', () => {
    const pg = row('postgresql-all-types.jsonl', 3);
    expect(json(pg['c_bigint'] ?? null)).toBe('9223372036854775807');
    expect(json(pg['c_numeric_fixed'] ?? null)).toBe('"999999999999999999999999999999.9999999999"');
    expect(json(pg['c_text_array'] ?? null)).toBe('["日本","🎉",null]');
    const maria = row('mariadb-all-types.jsonl', 3);
    expect(json(maria['c_ubigint'] ?? null)).toBe('"18446744073709551615"');
    expect(json(row('postgresql-all-types.jsonl', 6)['c_real'] ?? null)).toBe('"NaN"');
    expect(json(row('postgresql-all-types.jsonl', 5)['c_double'] ?? null)).toBe('-0');
    expect(json(row('postgresql-all-types.jsonl', 1)['c_bool'] ?? null)).toBe('true');
  });

  it('leaves unavailable (TOASTed) values out of a document', () => {
    expect(json({ a: 1, b: UNAVAILABLE })).toBe('{"a":1}');
  });
});

describe('RDI-compatible rendering', () => {
  it('writes dates, times and timestamps as epoch numbers and booleans as 1/0', () => {
    const pg = row('postgresql-all-types.jsonl', 1, 'rdi');
    expect(pg['c_date']).toBe(1_709_164_800_000);
    expect(pg['c_time']).toBe(45_296_789_012);
    expect(pg['c_timestamp']).toBe(1_709_210_096_789.012);
    expect(pg['c_timestamptz']).toBe(1_709_202_896_789.012);
    expect(pg['c_timetz']).toBe(38_096.789);
    expect(renderHashValue(pg['c_bool'] === true, 'rdi')).toBe('1');
    expect(pg['c_numeric_fixed']).toBe('1234.5678900000');
  });
});
