// Transform blocks: add_field, remove_field, rename_field, filter, map, redis.lookup, and the
// full row format with opcode rewriting.
import { describe, expect, it } from 'vitest';
import { event, run } from './test-support.ts';

const source = 'source:\n  table: customers\n';

describe('add_field', () => {
  it('adds one field from a JSONata expression', async () => {
    const r = await run(
      `${source}transform:\n  - uses: add_field\n    with:\n      field: label\n      expression: name & ' of ' & city\n`,
      [event()],
    );
    expect(r.records).toEqual([{ id: 7, name: 'Ada', city: 'London', label: 'Ada of London' }]);
  });

  it('adds several fields, dotted paths creating objects, later fields seeing earlier ones', async () => {
    const yaml = `${source}transform:
  - uses: add_field
    with:
      fields:
        - field: address.city
          expression: city
        - field: address.upper
          expression: upper(address.city)
          language: jmespath
`;
    const r = await run(yaml, [event()]);
    expect(r.records[0]).toMatchObject({ address: { city: 'London', upper: 'LONDON' } });
  });

  it('stores null when the expression has no result', async () => {
    const r = await run(
      `${source}transform:\n  - uses: add_field\n    with:\n      field: x\n      expression: nothing_here\n`,
      [event()],
    );
    expect(r.records[0]).toMatchObject({ x: null });
  });
});

describe('remove_field and rename_field', () => {
  it('removes one or several (nested) fields', async () => {
    const yaml = `${source}transform:
  - uses: remove_field
    with:
      field: city
  - uses: remove_field
    with:
      fields:
        - field: name
        - field: nested.gone
`;
    const r = await run(yaml, [
      event({ after: { id: 7, name: 'A', city: 'L', nested: { gone: 1, kept: 2 } } }),
    ]);
    expect(r.records).toEqual([{ id: 7, nested: { kept: 2 } }]);
  });

  it('renames fields, into nested paths too, and ignores absent ones', async () => {
    const yaml = `${source}transform:
  - uses: rename_field
    with:
      from_field: name
      to_field: full_name
  - uses: rename_field
    with:
      fields:
        - from_field: city
          to_field: address.city
        - from_field: absent
          to_field: still_absent
`;
    const r = await run(yaml, [event()]);
    expect(r.records).toEqual([{ id: 7, full_name: 'Ada', address: { city: 'London' } }]);
  });
});

describe('filter', () => {
  it('keeps records for which the expression is true and counts the rest as filtered', async () => {
    const yaml = `${source}transform:\n  - uses: filter\n    with:\n      expression: city = 'London'\n`;
    const r = await run(yaml, [
      event(),
      event({ after: { id: 8, name: 'B', city: 'Paris' }, key: { id: 8 } }),
    ]);
    expect(r.records).toHaveLength(1);
    expect(r.details.map((d) => d.outcome)).toEqual(['inserted', 'filtered']);
    expect(r.details[1]?.commands).toEqual([]);
  });

  it('works with JMESPath too', async () => {
    const yaml = `${source}transform:\n  - uses: filter\n    with:\n      language: jmespath\n      expression: "id > \`7\`"\n`;
    const r = await run(yaml, [event()]);
    expect(r.details[0]?.outcome).toBe('filtered');
  });
});

describe('map', () => {
  it('builds a new record from one expression', async () => {
    const yaml = `${source}transform:\n  - uses: map\n    with:\n      expression: '{"id": id, "who": $uppercase(name)}'\n`;
    const r = await run(yaml, [event()]);
    expect(r.records).toEqual([{ id: 7, who: 'ADA' }]);
  });

  it('builds a new record from one expression per field (RDI style)', async () => {
    const yaml = `${source}transform:
  - uses: map
    with:
      language: jmespath
      expression:
        id: id
        first: left(name, \`2\`)
`;
    const r = await run(yaml, [event()]);
    expect(r.records).toEqual([{ id: 7, first: 'Ad' }]);
  });

  it('rejects the record when the expression does not build an object', async () => {
    const yaml = `${source}transform:\n  - uses: map\n    with:\n      expression: name\n`;
    const r = await run(yaml, [event()]);
    expect(r.details[0]).toMatchObject({
      outcome: 'rejected',
      error: { code: 'JOB_EXPRESSION_FAILED' },
    });
  });
});

describe('redis.lookup', () => {
  const yaml = `${source}transform:
  - uses: redis.lookup
    with:
      connection: target
      cmd: hget
      args:
        - "'cities:' & city"
        - "'country'"
      field: country
`;

  it('runs a read command through the port and stores the reply', async () => {
    const seen: (readonly string[])[] = [];
    const r = await run(yaml, [event()], {
      lookup: (connection, command) => {
        seen.push([connection, ...command]);
        return Promise.resolve('UK');
      },
    });
    expect(seen).toEqual([['target', 'HGET', 'cities:London', 'country']]);
    expect(r.records[0]).toMatchObject({ country: 'UK' });
  });

  it('treats a failing lookup as a transient fault (retried, never a DLQ record)', async () => {
    await expect(
      run(yaml, [event()], { lookup: () => Promise.reject(new Error('down')) }),
    ).rejects.toMatchObject({
      code: 'TARGET_UNAVAILABLE',
    });
  });

  it('refuses a command that writes, at load time', () => {
    expect(() => run(yaml.replace('hget', 'del'), [])).toThrow(/cannot run del/);
  });
});

describe('row_format full', () => {
  const full = 'source:\n  table: customers\n  row_format: full\n';

  it('exposes key, before, after, opcode, db, schema and table, and writes only after', async () => {
    const yaml = `${full}transform:\n  - uses: add_field\n    with:\n      field: after.seen_as\n      expression: opcode & ':' & db & '.' & schema & '.' & table & ':' & key.id\n`;
    const r = await run(yaml, [event({ op: 'u', before: { id: 7, name: 'Old', city: 'L' } })]);
    expect(r.records[0]).toMatchObject({
      before: { name: 'Old' },
      after: { seen_as: 'u:shop.public.customers:7' },
    });
    expect(r.commands).toEqual([
      ['DEL', 'customers:id:7'],
      [
        'HSET',
        'customers:id:7',
        'id',
        '7',
        'name',
        'Ada',
        'city',
        'London',
        'seen_as',
        'u:shop.public.customers:7',
      ],
    ]);
  });

  it('keeps the data of a deleted row when the opcode is rewritten from d to u', async () => {
    const yaml = `${full}transform:
  - uses: add_field
    with:
      fields:
        - field: before.deleted
          expression: opcode = 'd'
        - field: opcode
          expression: "opcode = 'd' ? 'u' : opcode"
`;
    const r = await run(yaml, [event({ op: 'd', before: { id: 7, name: 'Ada' }, after: null })]);
    expect(r.details[0]?.outcome).toBe('updated');
    expect(r.commands).toEqual([
      ['DEL', 'customers:id:7'],
      ['HSET', 'customers:id:7', 'id', '7', 'name', 'Ada', 'deleted', 'true'],
    ]);
  });

  it('rejects a record whose opcode was set to something unknown', async () => {
    const yaml = `${full}transform:\n  - uses: add_field\n    with:\n      field: opcode\n      expression: "'x'"\n`;
    const r = await run(yaml, [event()]);
    expect(r.details[0]).toMatchObject({
      outcome: 'rejected',
      error: { code: 'JOB_OUTPUT_INVALID' },
    });
  });
});
