// Limits that hold within one call, where a time limit checked between evaluation steps cannot
// help: regular expressions on RE2 (linear time), argument caps on JSONata's string functions,
// results counted without being copied, and records or results nested too deep.
import { describe, expect, it } from 'vitest';
import { processEntriesAsync } from '../core/process-entries.ts';
import { MAX_VALUE_DEPTH } from '../core/value-depth.ts';
import type { EvaluationContext } from '../core/jobs/expression.ts';
import { DEFAULT_LIMITS, evaluate } from '../core/jobs/expression.ts';
import { compileJmespath } from './jmespath-expression.ts';
import { compileJsonata } from '../core/jobs/jsonata-expression.ts';
import { jsonLength } from '../core/jobs/json-size.ts';
import { createPipelineJob } from '../core/jobs/pipeline-job.ts';
import { event, jobFromYaml, run } from './test-support.ts';

const context: EvaluationContext = { now: 0, uuid: () => 'u' };
const jsonata = async (source: string, input: unknown = {}) =>
  evaluate(compileJsonata(source, DEFAULT_LIMITS), input as never, context, DEFAULT_LIMITS);
const jmes = async (source: string, input: unknown = {}) =>
  evaluate(compileJmespath(source, DEFAULT_LIMITS), input as never, context, DEFAULT_LIMITS);

/** Nested `{a: {a: … {}}}`, `levels` objects deep. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

describe('regular expressions run in linear time', () => {
  // A backtracking engine needs about 2^n steps for these: minutes at n = 40.
  const evil = `${'a'.repeat(40)}!`;

  it('JSONata: a catastrophic pattern answers at once, with the same results as before', async () => {
    await expect(jsonata('$contains(s, /^(a+)+$/)', { s: evil })).resolves.toBe(false);
    await expect(jsonata('$replace(s, /\\d+/, "#")', { s: 'a1b22' })).resolves.toBe('a#b#');
    await expect(jsonata('$split(s, /[,;]/)', { s: 'a,b;c' })).resolves.toEqual(['a', 'b', 'c']);
    await expect(jsonata('$match(s, /(\\d)(x)?/i).groups', { s: 'é😀7' })).resolves.toEqual([
      '7',
      null,
    ]);
    await expect(jsonata('$match(s, /b/).index', { s: '😀ab' })).resolves.toBe(3);
  });

  it('JMESPath regex_replace: a catastrophic pattern answers at once; \\1 and \\g<1> work', async () => {
    await expect(jmes("regex_replace(s, '^(a+)+$', 'x')", { s: evil })).resolves.toBe(evil);
    await expect(
      jmes("regex_replace(s, '(\\d+)-(\\d+)', '\\2/\\g<1>$')", { s: 'a 1-22 b' }),
    ).resolves.toBe('a 22/1$ b');
    await expect(jmes("regex_replace(s, 'x*', '-')", { s: 'ab' })).resolves.toBe('-a-b-');
  });

  it('refuses at deploy a literal RE2 cannot run (lookaround, backreference), naming the line', () => {
    const job = (expression: string) =>
      `source:\n  table: t\ntransform:\n  - uses: filter\n    with:\n      expression: ${expression}\n`;
    expect(() => jobFromYaml(job('$contains(name, /a(?=b)/)'))).toThrow(
      /jobs\/test\.yaml:6:19: invalid jsonata expression: .*not supported.*RE2/,
    );
    expect(() => jobFromYaml(job('$contains(name, /(a)\\1/)'))).toThrow(/RE2/);
  });

  it('bounds RE2 work too: program size at deploy, input × program at run time', async () => {
    // RE2 takes input length × program size steps: 10 × {1000} on 20,000 characters took 13 s.
    expect(() =>
      compileJsonata(`$contains(s, /${'[a-z]{1000}'.repeat(10)}[0-9]/)`, DEFAULT_LIMITS),
    ).toThrow(/too large: \d+ instructions, the limit is 5000/);
    const wide = `/${'[a-z]{1000}'.repeat(4)}[0-9]/`;
    await expect(jsonata(`$contains(s, ${wide})`, { s: 'a'.repeat(20_000) })).rejects.toMatchObject(
      {
        code: 'JOB_LIMIT_EXCEEDED',
        message: expect.stringContaining('exceeds the limit of 20000000 steps') as string,
      },
    );
    await expect(jsonata(`$contains(s, ${wide})`, { s: 'a'.repeat(1000) })).resolves.toBe(false);
  });

  it('a JMESPath pattern RE2 cannot run rejects its record with a coded error', async () => {
    await expect(jmes("regex_replace(s, '(?=a)', 'x')", { s: 'a' })).rejects.toMatchObject({
      code: 'JOB_EXPRESSION_FAILED',
    });
  });
});

describe('JSONata string functions refuse huge allocations before making them', () => {
  it('$pad to a width over the result limit', async () => {
    await expect(jsonata('$pad("", 100000000)')).rejects.toMatchObject({
      code: 'JOB_LIMIT_EXCEEDED',
      message: expect.stringContaining('$pad to 100000000 characters') as string,
    });
    await expect(jsonata('$pad("ab", -4, "x")')).resolves.toBe('xxab');
  });

  it('a string doubled in a loop, handed to $uppercase or $join', async () => {
    // 2^23 = 8 Mi characters: a cheap rope for V8 until a function copies it.
    const doubled = '$reduce([1..23], function($a, $i) { $a & $a }, "x")';
    await expect(jsonata(`$uppercase(${doubled})`)).rejects.toMatchObject({
      code: 'JOB_LIMIT_EXCEEDED',
      message: expect.stringContaining('argument 1 of $uppercase') as string,
    });
    await expect(jsonata('$join([1..100000].("x"), $pad("", 1000, "-"))')).rejects.toMatchObject({
      code: 'JOB_LIMIT_EXCEEDED',
      message: expect.stringContaining('$join would give more than') as string,
    });
    await expect(jsonata('$join(["a", "b"], ",")')).resolves.toBe('a,b');
  });

  it('counts a result without copying it, stopping at the limit', async () => {
    for (const value of [{ a: [1, 'xy', null, true, -0.5] }, [], {}, [[]], 'é']) {
      expect(jsonLength(value, 1000)).toBe(JSON.stringify(value).length);
    }
    // Strings are counted, never copied, and the count stops once past the limit.
    const rope = 'x'.repeat(1 << 20);
    const counted = jsonLength(
      { a: [rope, rope, rope, rope, rope] },
      DEFAULT_LIMITS.maxResultChars,
    );
    expect(counted).toBeGreaterThan(DEFAULT_LIMITS.maxResultChars);
    expect(counted).toBeLessThan(5 * (1 << 20));
    await expect(jsonata('{"a": [s, s, s, s, s]}', { s: rope })).rejects.toMatchObject({
      code: 'JOB_LIMIT_EXCEEDED',
    });
  });
});

describe('records and results nested too deep', () => {
  it('a record deeper than the limit is rejected with a coded reason', async () => {
    const result = await run('source:\n  table: customers\n', [
      event({ after: { id: 7, doc: nested(MAX_VALUE_DEPTH + 5) } as never }),
      event({ after: { id: 8, doc: nested(MAX_VALUE_DEPTH - 2) } as never }),
    ]);
    expect(result.details[0]).toMatchObject({
      outcome: 'rejected',
      error: {
        code: 'JOB_LIMIT_EXCEEDED',
        message: expect.stringContaining('100 levels') as string,
      },
    });
    expect(result.details[1]?.outcome).toBe('inserted');
  });

  it('an expression result deeper than the limit is rejected', async () => {
    const deep = '($f := function($n) { $n = 0 ? {} : {"a": $f($n - 1)} }; $f(150))';
    await expect(jsonata(deep)).rejects.toMatchObject({ code: 'JOB_LIMIT_EXCEEDED' });
  });

  it('a change entry nested 20,000 levels deep goes to the DLQ with a coded reason', async () => {
    const after = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    const value = `{"schema":null,"payload":{"op":"c","before":null,"after":{"id":1,"doc":${after}},"source":{"db":"shop","schema":"public","table":"customers"}}}`;
    const job = createPipelineJob([jobFromYaml('source:\n  table: customers\n')], {
      now: () => 0,
      uuid: () => 'u',
    });
    const processed = await processEntriesAsync(
      [{ id: '1-0', key: undefined, value, fields: [] }],
      job,
      'data:shop.public.customers',
    );
    expect(processed.ops).toEqual([]);
    expect(processed.rejected[0]?.error).toMatchObject({
      code: 'ENVELOPE_INVALID',
      message: expect.stringContaining('more than 100 levels deep') as string,
    });
  });
});
