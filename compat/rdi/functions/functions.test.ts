// Each documented example of RDI's JMESPath custom functions, evaluated as a job evaluates it,
// and every hash algorithm RDI lists; plus deploy-time refusals of unknown functions and arity.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, evaluate } from '../../../processor/core/jobs/expression.ts';
import { compileJmespath } from '../../../processor/jobs/jmespath-expression.ts';
import type { JobValue } from '../../../processor/core/jobs/job-value.ts';

interface Example {
  function: string;
  input: JobValue;
  expression: string;
  now?: string;
  output?: unknown;
  output_prefix?: string;
  output_pattern?: string;
}

const examples = parse(
  readFileSync(join(import.meta.dirname, 'jmespath-custom-functions.yaml'), 'utf8'),
) as Example[];

const run = (expression: string, input: JobValue, now = 0) =>
  evaluate(
    compileJmespath(expression, DEFAULT_LIMITS),
    input,
    { now, uuid: randomUUID },
    DEFAULT_LIMITS,
  );

describe('RDI JMESPath custom functions, as documented', () => {
  it.each(examples.map((e) => [`${e.function}: ${e.expression}`, e] as const))(
    '%s',
    async (_name, example) => {
      const now = example.now === undefined ? 0 : Date.parse(example.now);
      const result = await run(example.expression, example.input, now);
      if (example.output_prefix !== undefined) {
        expect(typeof result === 'string' && result.startsWith(example.output_prefix)).toBe(true);
      } else if (example.output_pattern !== undefined) {
        expect(result).toMatch(new RegExp(example.output_pattern));
      } else {
        expect(result).toEqual(example.output);
      }
    },
  );

  it('covers every function of the reference', () => {
    const names = new Set(examples.map((e) => e.function));
    expect(names.size).toBe(21);
  });

  it.each([
    ['sha1', '8c818171573b03feeae08b0b4ffeb6999e3afc05'],
    ['md5', '9619030c750b430095b12d365196de91'],
  ])('hash %s', async (algorithm, digest) => {
    expect(await run(`hash(s, '${algorithm}')`, { s: 'some_value' })).toBe(digest);
  });

  it('supports every algorithm RDI lists, with hashlib digest lengths', async () => {
    const lengths: Record<string, number> = {
      sha1: 40,
      sha256: 64,
      md5: 32,
      sha384: 96,
      sha3_384: 96,
      blake2b: 128,
      sha512: 128,
      sha3_224: 56,
      sha224: 56,
      sha3_256: 64,
      sha3_512: 128,
      blake2s: 64,
    };
    for (const [algorithm, length] of Object.entries(lengths)) {
      const digest = await run(`hash(s, '${algorithm}')`, { s: 'x' });
      expect([algorithm, typeof digest === 'string' ? digest.length : 0]).toEqual([
        algorithm,
        length,
      ]);
    }
  });

  it('writes null as None in concat, as RDI (Python) does', async () => {
    expect(await run("concat(['id:', missing])", {})).toBe('id:None');
  });

  it('refuses unknown functions and wrong arity when compiled', () => {
    expect(() => compileJmespath('nosuch(a)', DEFAULT_LIMITS)).toThrow(/unknown function nosuch/);
    expect(() => compileJmespath('left(a)', DEFAULT_LIMITS)).toThrow(/left\(\) takes 2/);
    expect(() => compileJmespath('length(a, b)', DEFAULT_LIMITS)).toThrow(/length\(\) takes 1/);
  });
});
