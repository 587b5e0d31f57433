// Command plans of JSON outputs beyond the basics in outputs.test.ts, so that every case the
// json-outputs e2e test runs against RedisJSON (skipped where the module is absent) is also
// checked here: replace vs merge, unsent (TOASTed) columns, nulls, moved keys, expire, named
// connections, and nest (same parent, new child id, another parent, deep paths, mappings).
import { describe, expect, it } from 'vitest';
import { UNAVAILABLE, type Row } from '../core/change-event.ts';
import { event, run } from './test-support.ts';

const json = (options: string) =>
  `source:\n  table: customers\noutput:\n  - uses: redis.write\n    with:\n      data_type: json\n${options}`;

describe('json output', () => {
  it('merges instead of replacing when a column was not sent, leaving it out', async () => {
    const r = await run(json(''), [
      event({ op: 'u', after: { id: 7, name: 'Ada', bio: UNAVAILABLE } }),
    ]);
    expect(r.commands).toEqual([['JSON.MERGE', 'customers:id:7', '$', '{"id":7,"name":"Ada"}']]);
  });

  it('writes SQL NULL as null: stored by JSON.SET, removing the field with JSON.MERGE', async () => {
    const row = event({ after: { id: 7, name: null } });
    expect((await run(json(''), [row])).commands).toEqual([
      ['JSON.SET', 'customers:id:7', '$', '{"id":7,"name":null}'],
    ]);
    expect((await run(json('      on_update: merge\n'), [row])).commands).toEqual([
      ['JSON.MERGE', 'customers:id:7', '$', '{"id":7,"name":null}'],
    ]);
  });

  it('removes the old document when an update moves its computed key, then the new one on delete', async () => {
    const yaml = json('      key:\n        expression: "\'customer:\' & email"\n');
    const before = { id: 7, email: 'a@x' };
    const after = { id: 7, email: 'b@x' };
    const r = await run(yaml, [
      event({ op: 'u', before, after }),
      event({ op: 'd', before: after, after: null }),
    ]);
    expect(r.commands).toEqual([
      ['DEL', 'customer:a@x'],
      ['JSON.SET', 'customer:b@x', '$', '{"id":7,"email":"b@x"}'],
      ['DEL', 'customer:b@x'],
    ]);
  });

  it('sets a time to live after the document, and writes to a named connection', async () => {
    const r = await run(json('      connection: cache\n      expire: 60\n'), [event()]);
    expect(r.commands).toEqual([
      ['@cache', 'JSON.SET', 'customers:id:7', '$', '{"id":7,"name":"Ada","city":"London"}'],
      ['@cache', 'EXPIRE', 'customers:id:7', '60'],
    ]);
  });
});

describe('nest', () => {
  const nest = (options = '') => `source:
  table: order_lines
output:
  - uses: redis.write
    with:
      data_type: json
      on_update: merge
      nest:
        parent:
          table: orders
        nesting_key: line_id
        parent_key: order_id
        path: $.lines
${options}`;
  const line = { line_id: 3, order_id: 10, sku: 'A', qty: 1 };
  const change = (op: 'u' | 'd', before: Row, after: Row | null) =>
    event({ op, table: 'order_lines', key: { line_id: 3 }, before, after });

  it('updates an entry in place when neither its parent nor its id changed', async () => {
    const r = await run(nest(), [change('u', line, { ...line, qty: 2 })]);
    expect(r.commands).toEqual([
      ['JSON.SET', 'orders:order_id:10', '$', '{}', 'NX'],
      ['JSON.SET', 'orders:order_id:10', '$.lines', '{}', 'NX'],
      [
        'JSON.SET',
        'orders:order_id:10',
        '$.lines["3"]',
        '{"line_id":3,"order_id":10,"sku":"A","qty":2}',
      ],
    ]);
  });

  it('moves an entry whose id changed within the same parent', async () => {
    const r = await run(nest(), [change('u', line, { ...line, line_id: 4 })]);
    expect(r.commands[0]).toEqual(['JSON.DEL', 'orders:order_id:10', '$.lines["3"]']);
    expect(r.commands.at(-1)).toEqual([
      'JSON.SET',
      'orders:order_id:10',
      '$.lines["4"]',
      '{"line_id":4,"order_id":10,"sku":"A","qty":1}',
    ]);
  });

  it('moves an entry to another parent: removed from the old, created in the new', async () => {
    const r = await run(nest(), [change('u', line, { ...line, order_id: 11 })]);
    expect(r.commands).toEqual([
      ['JSON.DEL', 'orders:order_id:10', '$.lines["3"]'],
      ['JSON.SET', 'orders:order_id:11', '$', '{}', 'NX'],
      ['JSON.SET', 'orders:order_id:11', '$.lines', '{}', 'NX'],
      [
        'JSON.SET',
        'orders:order_id:11',
        '$.lines["3"]',
        '{"line_id":3,"order_id":11,"sku":"A","qty":1}',
      ],
    ]);
  });

  it('writes only the mapped fields, creates every ancestor of a deep path, and quotes ids', async () => {
    const yaml = nest('      mapping:\n        - sku\n        - qty: quantity\n').replace(
      'path: $.lines',
      'path: $.detail.lines',
    );
    const r = await run(yaml, [
      event({ table: 'order_lines', after: { ...line, line_id: 'a"b' } }),
    ]);
    expect(r.commands).toEqual([
      ['JSON.SET', 'orders:order_id:10', '$', '{}', 'NX'],
      ['JSON.SET', 'orders:order_id:10', '$.detail', '{}', 'NX'],
      ['JSON.SET', 'orders:order_id:10', '$.detail.lines', '{}', 'NX'],
      ['JSON.SET', 'orders:order_id:10', '$.detail.lines["a\\"b"]', '{"sku":"A","quantity":1}'],
    ]);
  });

  it('removes the entry on delete, from the row as it was', async () => {
    const r = await run(nest(), [change('d', line, null)]);
    expect(r.commands).toEqual([['JSON.DEL', 'orders:order_id:10', '$.lines["3"]']]);
    expect(r.details[0]?.outcome).toBe('deleted');
  });
});
