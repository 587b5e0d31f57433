// Field paths: dots reach into objects, an escaped dot (`a\.b`) is part of one name, in
// add_field, in mapping aliases of JSON outputs (which then do not nest) and of hash outputs.
import { describe, expect, it } from 'vitest';
import { parseFieldPath } from './field-path.ts';
import { event, run } from '../../jobs/test-support.ts';

describe('field paths', () => {
  it.each([
    ['a', ['a']],
    ['a.b', ['a', 'b']],
    ['a\\.b', ['a.b']],
    ['x.a\\.b.c', ['x', 'a.b', 'c']],
    ['a\\\\.b', ['a\\', 'b']],
  ])('%s', (text, path) => {
    expect(parseFieldPath(text)).toEqual(path);
  });

  it('keep an escaped dot in a JSON mapping alias as one field name', async () => {
    const yaml = [
      'source:',
      '  table: t',
      'output:',
      '  - uses: redis.write',
      '    with:',
      '      data_type: json',
      '      mapping:',
      '        - price: price\\.eur',
      '        - city: address.city',
      '',
    ].join('\n');
    const result = await run(yaml, [
      event({ key: { id: 1 }, after: { id: 1, price: '9.5', city: 'Lyon' } }),
    ]);
    expect(result.commands).toEqual([
      ['JSON.SET', 'customers:id:1', '$', '{"price.eur":"9.5","address":{"city":"Lyon"}}'],
    ]);
  });

  it('write an escaped alias of a hash field without its backslash', async () => {
    const yaml = [
      'source:',
      '  table: t',
      'output:',
      '  - uses: redis.write',
      '    with:',
      '      data_type: hash',
      '      mapping:',
      '        - price: price\\.eur',
      '',
    ].join('\n');
    const result = await run(yaml, [event({ key: { id: 1 }, after: { id: 1, price: '9.5' } })]);
    expect(result.commands).toEqual([
      ['DEL', 'customers:id:1'],
      ['HSET', 'customers:id:1', 'price.eur', '9.5'],
    ]);
  });
});
