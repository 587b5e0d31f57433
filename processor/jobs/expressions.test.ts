// Expressions: compile errors with locations, JSONata and JMESPath evaluation, RDI's JMESPath
// functions, the injected clock and ids, and limits that turn runaways into rejected records.
import { describe, expect, it } from 'vitest';
import type { EvaluationContext } from '../core/jobs/expression.ts';
import { DEFAULT_LIMITS, evaluate } from '../core/jobs/expression.ts';
import { compileJmespath } from './jmespath-expression.ts';
import { compileJsonata } from '../core/jobs/jsonata-expression.ts';
import { event, jobFromYaml, run } from './test-support.ts';

const context: EvaluationContext = { now: Date.UTC(2024, 0, 11), uuid: () => 'the-uuid' };
const jmes = async (source: string, input: unknown = {}) =>
  evaluate(compileJmespath(source, DEFAULT_LIMITS), input as never, context, DEFAULT_LIMITS);

describe('compiling', () => {
  it('names file, line and column of an invalid expression', () => {
    const yaml =
      'source:\n  table: t\ntransform:\n  - uses: filter\n    with:\n      expression: a = = 1\n';
    expect(() => jobFromYaml(yaml)).toThrow(
      /jobs\/test\.yaml:6:19: invalid jsonata expression \(at character \d+\)/,
    );
    const jm =
      'source:\n  table: t\ntransform:\n  - uses: filter\n    with:\n      language: jmespath\n      expression: "a[?"\n';
    expect(() => jobFromYaml(jm)).toThrow(/7:19: invalid jmespath expression/);
  });
});

describe('RDI JMESPath functions', () => {
  it.each([
    ["base64_decode('SGk=')", 'Hi'],
    ["capitalize('hELLO')", 'Hello'],
    ["concat(['a', `1`, 'b'])", 'a1b'],
    ["filter_entries({a: `1`, b: `2`}, ['a'])", { a: 1 }],
    ["from_entries([['a', `1`]])", { a: 1 }],
    ["hash('abc', 'md5')", '900150983cd24fb0d6963f7d28e17f72'],
    ["in('b', ['a', 'b'])", true],
    ["left('abcdef', `2`)", 'ab'],
    ["right('abcdef', `2`)", 'ef'],
    ["mid('abcdef', `1`, `3`)", 'bcd'],
    ["lower('AbC')", 'abc'],
    ["upper('AbC')", 'ABC'],
    ['json_parse(\'{"a": [1]}\')', { a: [1] }],
    ["regex_replace('a1b22', '(\\d+)', '<\\1>')", 'a<1>b<22>'],
    ["replace('a-b-c', '-', '+')", 'a+b+c'],
    ["split('a,b')", ['a', 'b']],
    ["split('a b', ' ')", ['a', 'b']],
    // RDI: now − dt, so a past dt is positive; days floor like Python's timedelta.days.
    ["time_delta_days('2024-01-21T00:00:00Z')", -10],
    ["time_delta_days('2024-01-01T00:00:00Z')", 10],
    ["time_delta_seconds('2024-01-10T23:59:00Z')", 60],
    ['to_entries({a: `1`})', [{ key: 'a', value: 1 }]],
    ['uuid()', 'the-uuid'],
  ])('%s', async (source, expected) => {
    expect(await jmes(source)).toEqual(expected);
  });

  it('reports a wrong argument as a failed expression', async () => {
    await expect(jmes('upper(`1`)')).rejects.toMatchObject({ code: 'JOB_EXPRESSION_FAILED' });
  });
});

describe('JSONata', () => {
  it('reads the injected clock for $now() and $millis()', async () => {
    const expression = compileJsonata('[$now(), $millis()]', DEFAULT_LIMITS);
    expect(await evaluate(expression, {}, context, DEFAULT_LIMITS)).toEqual([
      '2024-01-11T00:00:00.000Z',
      context.now,
    ]);
  });
});

describe('limits', () => {
  const limits = {
    ...DEFAULT_LIMITS,
    timeoutMs: 50,
    maxDepth: 100,
    maxSteps: 1000,
    maxResultChars: 100,
  };

  it('stops runaway JSONata recursion and loops as JOB_LIMIT_EXCEEDED', async () => {
    const recursion = compileJsonata('($f := function($n) { $f($n + 1) }; $f(0))', limits);
    await expect(evaluate(recursion, {}, context, limits)).rejects.toMatchObject({
      code: 'JOB_LIMIT_EXCEEDED',
    });
    const loop = compileJsonata('$count([1..10000000])', limits);
    await expect(evaluate(loop, {}, context, limits)).rejects.toMatchObject({
      code: 'JOB_LIMIT_EXCEEDED',
    });
  });

  it('bounds JMESPath work by steps and results by size', async () => {
    const many = compileJmespath('[*].a', limits);
    const input = Array.from({ length: 5000 }, () => ({ a: 1 }));
    // A synchronous language throws at once; a job step turns that into a rejected record.
    expect(() => evaluate(many, input, context, limits)).toThrow(
      expect.objectContaining({ code: 'JOB_LIMIT_EXCEEDED' }),
    );
    await expect(
      Promise.resolve().then(() => evaluate(many, input, context, limits)),
    ).rejects.toMatchObject({
      code: 'JOB_LIMIT_EXCEEDED',
    });
    const big = compileJsonata('$pad("", 1000, "x")', limits);
    await expect(evaluate(big, {}, context, limits)).rejects.toMatchObject({
      code: 'JOB_LIMIT_EXCEEDED',
    });
  });

  it('rejects only the record with the runaway expression', async () => {
    const yaml =
      'source:\n  table: t\ntransform:\n  - uses: filter\n    with:\n      expression: "id = 1 ? ($f := function($n) { $f($n) }; $f(0)) : true"\n';
    const r = await run(yaml, [event({ key: { id: 1 }, after: { id: 1 } }), event()]);
    expect(r.details.map((d) => d.outcome)).toEqual(['rejected', 'inserted']);
  });
});
