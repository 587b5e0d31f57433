// The JSONata fast path against JSONata itself: for every expression of a corpus and many
// generated records, the fast path either gives up on the record or returns exactly what
// JSONata returns; where JSONata raises an error, the fast path must give up.
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { compileFastJsonata, NOT_HANDLED } from './jsonata-fast.ts';

const HANDLED = [
  "'sluice'",
  '42',
  'true',
  'null',
  'id',
  '$',
  '$$',
  '$.id',
  '$$.name',
  'nested.inner',
  'nested.deep.leaf',
  '`odd name`',
  'id > 0',
  'id >= 2.5',
  'name < "m"',
  'id = 3',
  'name != "b"',
  'id = name',
  'flag = true',
  'id + 1',
  'id - price',
  'id * 2',
  'price / id',
  'id % 3',
  '-id',
  'name & "-" & id',
  '"customer:" & id',
  'price & ""',
  'flag & nothing',
  'id > 0 and flag',
  'nothing or name',
  'nested and id',
  'flag ? "yes" : "no"',
  'id > 2 ? name',
  '[id, name, nothing]',
  '[$]',
  '{"a": id, "b": nothing, "c": {"d": name}}',
  '$merge([$, {"id_text": $string(id)}])',
  '$merge([nested, {"x": 1}])',
  '$merge(nested)',
  '$string(price)',
  '$string(flag)',
  '$string(nothing)',
  '$uppercase(name)',
  '$lowercase(name)',
  '$length(name)',
  '$exists(nothing)',
  '$exists(id)',
  '$boolean(name)',
  '$not(id)',
  '$millis()',
] as const;

const NOT_SIMPLE = [
  'items[0]',
  '$sum(items.qty)',
  '$now()',
  '$map(items, function($v) { $v.sku })',
  '($x := 1; $x + id)',
  'id in [1, 2]',
  '{name: id}',
  '**.leaf',
  '*',
  '$string()',
  '$merge',
  'items^(qty)',
];

function* records(): Generator<Record<string, unknown>> {
  const ids = [0, 1, 3, -7, 2.5, 1e21, 0.1 + 0.2, 'x', null, true, undefined];
  const names = ['', 'a', 'b', 'Zoë 🚀', 'm', 3, null, undefined];
  const flags = [true, false, null, 0, 'yes', undefined];
  const nesteds = [{ inner: 1, deep: { leaf: 'l' } }, {}, [1, 2], 'text', null, undefined];
  let n = 0;
  for (const id of ids) {
    for (const name of names) {
      n += 1;
      const record: Record<string, unknown> = {
        'odd name': n,
        price: n % 3 === 0 ? 19.99 : n,
        items: [{ sku: 'a', qty: 1 }],
      };
      if (id !== undefined) record['id'] = id;
      if (name !== undefined) record['name'] = name;
      const flag = flags[n % flags.length];
      if (flag !== undefined) record['flag'] = flag;
      const nested = nesteds[n % nesteds.length];
      if (nested !== undefined) record['nested'] = nested;
      yield record;
    }
  }
}

const NOW = Date.UTC(2026, 10, 30);

async function viaJsonata(
  source: string,
  input: unknown,
): Promise<{ value: unknown } | { error: unknown }> {
  try {
    const value: unknown = await jsonata(source).evaluate(input, { millis: () => NOW });
    return { value };
  } catch (error) {
    return { error };
  }
}

/** JSONata's sequences and null-prototype objects, as plain JSON (undefined kept apart). */
function normal(value: unknown): unknown {
  return value === undefined ? { undefined: true } : (JSON.parse(JSON.stringify(value)) as unknown);
}

describe('the JSONata fast path', () => {
  it.each(HANDLED)('handles %s exactly as JSONata does', async (source) => {
    const fast = compileFastJsonata(jsonata(source).ast());
    expect(fast).toBeDefined();
    let handled = 0;
    for (const record of records()) {
      const mine = fast?.(record, NOW);
      const theirs = await viaJsonata(source, record);
      if (mine === NOT_HANDLED) continue;
      handled += 1;
      expect('value' in theirs, `JSONata failed on ${JSON.stringify(record)}`).toBe(true);
      if ('value' in theirs) expect(normal(mine)).toEqual(normal(theirs.value));
    }
    // Most generated records are plain: a fast path that always gives up would be useless.
    expect(handled).toBeGreaterThan(20);
  });

  it.each(NOT_SIMPLE)('leaves %s to JSONata', (source) => {
    expect(compileFastJsonata(jsonata(source).ast())).toBeUndefined();
  });

  it('gives up on a record where a path meets an array', () => {
    const fast = compileFastJsonata(jsonata('nested.inner').ast());
    expect(fast?.({ nested: [{ inner: 1 }] }, NOW)).toBe(NOT_HANDLED);
    expect(fast?.({ nested: { inner: 1 } }, NOW)).toBe(1);
    expect(compileFastJsonata(jsonata('items.sku').ast())?.({ items: [] }, NOW)).toBe(NOT_HANDLED);
  });
});
