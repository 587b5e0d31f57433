// SQL expressions (language: sql) on node:sqlite: how record values bind and results come back,
// the injected clock, what is refused at deploy (with the file, line and column of the job),
// what is refused per record, and RDI's cache: block over any language.
import { describe, expect, it } from 'vitest';
import type { EvaluationContext } from '../core/jobs/expression.ts';
import { DEFAULT_LIMITS, evaluate } from '../core/jobs/expression.ts';
import type { JobValue } from '../core/jobs/job-value.ts';
import { compileSql } from './sql-expression.ts';
import { event, jobFromYaml, run } from './test-support.ts';

const context: EvaluationContext = {
  now: Date.parse('2025-06-04T14:32:52.250Z'),
  uuid: () => 'u',
};
const sql = async (source: string, input: Record<string, JobValue> = {}) =>
  evaluate(compileSql(source, DEFAULT_LIMITS), input, context, DEFAULT_LIMITS);

describe('SQL expressions', () => {
  it.each<[string, Record<string, JobValue>, JobValue]>([
    ["first || ' ' || last", { first: 'Ada', last: 'Lovelace' }, 'Ada Lovelace'],
    ['7 / 2', {}, 3],
    ['n / 2', { n: 7 }, 3],
    ['n / 2.0', { n: 7 }, 3.5],
    ['CAST(total AS REAL) > 9.5', { total: '10.25' }, 1],
    ['flag', { flag: true }, 1],
    ['missing IS NULL', {}, 1],
    ['big + 0', { big: '12345678901234567890' }, 12345678901234567000],
    ["json_extract(address, '$.city')", { address: { city: 'Paris' } }, 'Paris'],
    ['BillingCountry', { billingcountry: 'ignored', BillingCountry: 'exact' }, 'exact'],
    ['billingcountry', { BillingCountry: 'USA' }, 'USA'],
    ['"first name"', { 'first name': 'Ada' }, 'Ada'],
    ["CASE WHEN a > 1 THEN 'big' ELSE 'small' END", { a: 2 }, 'big'],
    ['TRUE', {}, 1],
    ['NULL', {}, null],
    ["printf('%05d', n)", { n: 42 }, '00042'],
    ["iif(a = 1, 'one', 'other')", { a: 1 }, 'one'],
    [
      "after.name || '@' || after.address.city",
      { after: { name: 'Ada', address: { city: 'Paris' } } },
      'Ada@Paris',
    ],
    ['after.missing IS NULL', { after: { id: 1 } }, 1],
    ['1.5 * 2', {}, 3],
  ])('%s', async (source, input, expected) => {
    expect(await sql(source, input)).toEqual(expected);
  });

  it('keeps integers beyond 2^53 exact, as text', async () => {
    expect(await sql('n * 10', { n: 900719925474099 })).toBe(9007199254740990);
    expect(await sql("CAST('92233720368547758' AS INTEGER) * 10")).toBe('922337203685477580');
  });

  it("reads the evaluation's clock for 'now' and CURRENT_*", async () => {
    expect(await sql("STRFTIME('%s', 'now')")).toBe('1749047572');
    expect(await sql("datetime('now')")).toBe('2025-06-04 14:32:52');
    expect(await sql('CURRENT_DATE')).toBe('2025-06-04');
    expect(await sql('CURRENT_TIMESTAMP')).toBe('2025-06-04 14:32:52');
    expect(await sql("'now'")).toBe('2025-06-04 14:32:52.250');
  });

  it.each([
    ['nosuch(a)', /no such function: nosuch/],
    ['upper(a, b)', /wrong number of arguments to function upper/],
    ['a +', /syntax error|incomplete input/],
    ['(SELECT 1)', /SELECT is not allowed/],
    ['a; DROP TABLE x', /one expression only/],
    ['a = ?', /parameters/],
    ['zeroblob(10)', /not authorized/],
    ["printf('%.*c', 5, 'x')", /width or precision/],
    ["printf(fmt, 'x')", /must be a string literal/],
  ])('refuses %s when compiled', (source, message) => {
    expect(() => compileSql(source, DEFAULT_LIMITS)).toThrow(message);
  });

  it('names the file, line and column of a refused SQL expression at deploy', () => {
    const yaml =
      'source:\n  table: t\ntransform:\n  - uses: filter\n    with:\n      language: sql\n      expression: nosuch(a) > 1\n';
    expect(() => jobFromYaml(yaml)).toThrow(
      /jobs\/test\.yaml:7:19: invalid sql expression: no such function: nosuch/,
    );
  });

  it('refuses unknown JSONata and JMESPath functions at deploy too', () => {
    const jsonata =
      'source:\n  table: t\ntransform:\n  - uses: filter\n    with:\n      expression: $nosuch(a)\n';
    expect(() => jobFromYaml(jsonata)).toThrow(
      /6:19: invalid jsonata expression.*unknown function \$nosuch/,
    );
    const defined =
      'source:\n  table: t\ntransform:\n  - uses: filter\n    with:\n      expression: ($f := function($x){$x > 1}; $f(a))\n';
    expect(() => jobFromYaml(defined)).not.toThrow();
    const jmes =
      'source:\n  table: t\ntransform:\n  - uses: filter\n    with:\n      language: jmespath\n      expression: left(a)\n';
    expect(() => jobFromYaml(jmes)).toThrow(/7:19: invalid jmespath expression.*left\(\) takes 2/);
  });

  it('rejects the record whose evaluation fails, not the pipeline', async () => {
    const result = await run(
      "source:\n  table: t\ntransform:\n  - uses: add_field\n    with:\n      field: j\n      language: sql\n      expression: json_extract(doc, '$.a')\n",
      [event({ after: { id: 1, doc: 'not json' } }), event({ after: { id: 2, doc: '{"a": 5}' } })],
    );
    expect(result.details.map((d) => d.error?.code ?? d.outcome)).toEqual([
      'JOB_EXPRESSION_FAILED',
      'inserted',
    ]);
    expect(result.records).toEqual([{ id: 2, doc: '{"a": 5}', j: 5 }]);
  });
});

describe('cache: blocks', () => {
  it('give the same results as the expression, per distinct field values', async () => {
    const yaml = (cache: string) =>
      `source:\n  table: t\ntransform:\n  - uses: add_field\n    with:\n      field: label\n      language: sql\n      expression: upper(code) || '-' || n\n${cache}`;
    const events = [
      event({ after: { id: 1, code: 'fr', n: 1 } }),
      event({ after: { id: 2, code: 'fr', n: 1 } }),
      event({ after: { id: 3, code: 'fr', n: 2 } }),
      event({ after: { id: 4, code: 'FR', n: 1 } }),
    ];
    const plain = await run(yaml(''), events);
    const cached = await run(
      yaml('      cache:\n        enabled: true\n        max_size: 1\n        ttl_seconds: 5\n'),
      events,
    );
    expect(cached.records).toEqual(plain.records);
    expect(cached.records.map((r) => (r as { label: string }).label)).toEqual([
      'FR-1',
      'FR-1',
      'FR-2',
      'FR-1',
    ]);
  });

  it('evaluate once per distinct key while an entry lives (a uuid() is kept)', async () => {
    const yaml = (cache: string) =>
      `source:\n  table: t\ntransform:\n  - uses: add_field\n    with:\n      field: tag\n      language: jmespath\n      expression: concat([code, '/', uuid()])\n${cache}`;
    const events = [
      event({ after: { id: 1, code: 'a' } }),
      event({ after: { id: 2, code: 'a' } }),
      event({ after: { id: 3, code: 'b' } }),
    ];
    const tags = async (cache: string) =>
      (await run(yaml(cache), events)).records.map((r) => (r as { tag: string }).tag);
    expect(await tags('')).toEqual([
      'a/00000000-0000-4000-8000-000000000001',
      'a/00000000-0000-4000-8000-000000000002',
      'b/00000000-0000-4000-8000-000000000003',
    ]);
    expect(await tags('      cache:\n        enabled: true\n')).toEqual([
      'a/00000000-0000-4000-8000-000000000001',
      'a/00000000-0000-4000-8000-000000000001',
      'b/00000000-0000-4000-8000-000000000002',
    ]);
  });
});
