import { describe, expect, it } from 'vitest';
import { isSluiceError, type SluiceError } from '../common/errors.ts';
import { parseYamlDocument, YAML_LIMITS } from './yaml-document.ts';

function failure(text: string): SluiceError {
  try {
    parseYamlDocument(text, 'f.yaml');
  } catch (error) {
    if (isSluiceError(error)) return error;
    throw error;
  }
  throw new Error('expected a SluiceError');
}

describe('parseYamlDocument', () => {
  it('returns plain data and locates keys and values', () => {
    const doc = parseYamlDocument('a:\n  b: 1\n  c:\n    - x\n    - {d: 2}\n', 'f.yaml');
    expect(doc.value).toEqual({ a: { b: 1, c: ['x', { d: 2 }] } });
    expect(doc.locate(['a', 'b'])).toEqual({ file: 'f.yaml', line: 2, column: 3 });
    expect(doc.locate(['a', 'b'], 'value')).toEqual({ file: 'f.yaml', line: 2, column: 6 });
    expect(doc.locate(['a', 'c', 1, 'd'], 'value')).toEqual({
      file: 'f.yaml',
      line: 5,
      column: 11,
    });
  });

  it('locates a missing key at its nearest existing ancestor', () => {
    const doc = parseYamlDocument('top: 1\na:\n  b: 1\n', 'f.yaml');
    expect(doc.locate(['a', 'missing', 'deeper'])).toMatchObject({ line: 2, column: 1 });
    expect(doc.locate([])).toMatchObject({ line: 1, column: 1 });
  });

  it('locates through aliases, at the anchored node', () => {
    const doc = parseYamlDocument('base: &b\n  port: 1\nother: *b\n', 'f.yaml');
    expect(doc.value).toEqual({ base: { port: 1 }, other: { port: 1 } });
    expect(doc.locate(['other', 'port'])).toMatchObject({ line: 2, column: 3 });
  });

  it('rejects a duplicate key, naming it and its path', () => {
    const error = failure('a:\n  port: 1\n  port: 2\n');
    expect(error.code).toBe('CONFIG_YAML_SYNTAX');
    expect(error.location).toEqual({ file: 'f.yaml', line: 3, column: 3 });
    expect(error.path).toBe('a.port');
    expect(error.message).toContain("duplicate key 'port'");
  });

  it('reports a syntax error with its location', () => {
    const error = failure('a: "unterminated\nb: 1\n');
    expect(error.code).toBe('CONFIG_YAML_SYNTAX');
    expect(error.location?.file).toBe('f.yaml');
    expect(error.location?.line).toBeGreaterThanOrEqual(1);
  });

  it('rejects a second document', () => {
    const error = failure('a: 1\n---\nb: 2\n');
    expect(error.code).toBe('CONFIG_YAML_SYNTAX');
    expect(error.location).toMatchObject({ line: 2, column: 1 });
  });

  it('rejects an alias bomb', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    const error = failure(bomb);
    expect(error.code).toBe('CONFIG_YAML_LIMIT');
    expect(error.location).toEqual({ file: 'f.yaml', line: 2, column: 8 });
  });

  it('rejects a document with more entries than the limit, before building its value', () => {
    const entries = YAML_LIMITS.maxEntries + 1;
    const text = `a: [${Array.from({ length: entries }, () => '1').join(', ')}]\n`;
    const error = failure(text);
    expect(error.code).toBe('CONFIG_YAML_LIMIT');
    expect(error.message).toMatch(/the document has \d+ keys and list items; the limit is 10000/);
  });

  it('counts entries with aliases expanded (an anchored mapping reused 98 times)', () => {
    const lines = ['base: &b', ...Array.from({ length: 200 }, (_, i) => `  k${i}: v`), 'uses:'];
    lines.push(...Array.from({ length: 98 }, (_, i) => `  u${i}: *b`));
    const error = failure(lines.join('\n'));
    expect(error.code).toBe('CONFIG_YAML_LIMIT');
    expect(error.location).toEqual({ file: 'f.yaml', line: 203, column: 7 });
    expect(() =>
      parseYamlDocument(lines.slice(0, 200 + 2 + 40).join('\n'), 'f.yaml'),
    ).not.toThrow();
  });

  it('refuses a text with too many lines or commas before the parser runs', () => {
    const commas = failure(`a: [${'1,'.repeat(YAML_LIMITS.maxSeparators + 1)}1]`);
    expect(commas).toMatchObject({ code: 'CONFIG_YAML_LIMIT', location: { line: 1, column: 1 } });
    expect(commas.message).toContain(`${YAML_LIMITS.maxSeparators + 1} commas`);
    const lines = failure('# comment\n'.repeat(YAML_LIMITS.maxSeparators));
    expect(lines.message).toContain(`${YAML_LIMITS.maxSeparators + 1} lines`);
  });

  it('finds a duplicate key at the end of a large mapping', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `k${i}: 1`);
    const error = failure(`m:\n${[...keys, 'k17: 2'].map((k) => `  ${k}`).join('\n')}\n`);
    expect(error).toMatchObject({ code: 'CONFIG_YAML_SYNTAX', path: 'm.k17' });
    expect(error.location).toMatchObject({ line: 5002, column: 3 });
  });

  it('tells 1 and "1" apart as keys, as YAML does', () => {
    expect(() => parseYamlDocument('1: a\n"1": b\n', 'f.yaml')).not.toThrow();
  });

  it('rejects an alias to its own ancestor', () => {
    expect(failure('a: &a [*a]\n').code).toBe('CONFIG_YAML_LIMIT');
  });

  it('rejects nesting deeper than the limit, in block and flow style', () => {
    const depth = YAML_LIMITS.maxDepth + 1;
    const block =
      Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}k:`).join('\n') + ' 1\n';
    expect(failure(block)).toMatchObject({ code: 'CONFIG_YAML_LIMIT' });
    const flow = `a: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
    expect(failure(flow)).toMatchObject({ code: 'CONFIG_YAML_LIMIT', location: { line: 1 } });
  });

  it('accepts nesting at the limit', () => {
    const depth = YAML_LIMITS.maxDepth;
    const flow = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    expect(() => parseYamlDocument(flow, 'f.yaml')).not.toThrow();
  });

  it('rejects pathological nesting quickly, before the parser recurses', () => {
    const started = performance.now();
    expect(failure('['.repeat(500_000)).code).toBe('CONFIG_YAML_LIMIT');
    expect(failure('- '.repeat(300_000) + 'x').code).toBe('CONFIG_YAML_LIMIT');
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('rejects a document over 1 MiB', () => {
    const error = failure(`a: "${'x'.repeat(YAML_LIMITS.maxBytes)}"\n`);
    expect(error.code).toBe('CONFIG_YAML_LIMIT');
    expect(error.location).toEqual({ file: 'f.yaml', line: 1, column: 1 });
  });

  it('counts the limit in UTF-8 bytes', () => {
    const text = `a: "${'é'.repeat(YAML_LIMITS.maxBytes / 2)}"`;
    expect(failure(text).code).toBe('CONFIG_YAML_LIMIT');
  });

  it('keeps a __proto__ key as plain data', () => {
    const doc = parseYamlDocument('__proto__:\n  polluted: true\n', 'f.yaml');
    expect(Object.keys(doc.value as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
