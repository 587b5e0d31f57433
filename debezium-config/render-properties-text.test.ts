// Expected texts were checked against the SmallRye Config 3.16 and java.util.Properties that
// Debezium Server 3.6.1 ships: each reads back exactly the original value.
import { describe, expect, it } from 'vitest';
import {
  escapeExpressionText,
  escapePropertyKey,
  escapePropertyValue,
  formatProperties,
  fromEnv,
  literal,
  propertyLine,
} from './render-properties-text.ts';

describe('java.util.Properties escaping', () => {
  it('escapes separators, comment marks and backslashes', () => {
    expect(escapePropertyValue('colon:eq=hash#bang!')).toBe('colon\\:eq\\=hash\\#bang\\!');
    expect(escapePropertyValue('back\\slash')).toBe('back\\\\slash');
  });

  it('escapes a leading space in values and every space in keys', () => {
    expect(escapePropertyValue(' lead and inner ')).toBe('\\ lead and inner ');
    expect(escapePropertyKey('a key')).toBe('a\\ key');
  });

  it('escapes control and non-ASCII characters as \\uXXXX', () => {
    expect(escapePropertyValue('line1\nline2\r\tx\f')).toBe('line1\\nline2\\r\\tx\\f');
    expect(escapePropertyValue('é€😀\u0001')).toBe('\\u00e9\\u20ac\\ud83d\\ude00\\u0001');
  });
});

describe('SmallRye expression escaping', () => {
  it('prefixes every $ with a backslash', () => {
    expect(escapeExpressionText('${X} $$ data:$0')).toBe('\\${X} \\$\\$ data:\\$0');
    expect(escapeExpressionText('\\$')).toBe('\\\\$');
    expect(escapeExpressionText('no dollar \\ here')).toBe('no dollar \\ here');
  });
});

describe('propertyLine', () => {
  it('writes literals escaped for both layers', () => {
    expect(propertyLine('r', literal('data:$0'))).toBe('r=data\\:\\\\$0');
    expect(propertyLine('p', literal('${NOT_A_REFERENCE}'))).toBe('p=\\\\${NOT_A_REFERENCE}');
    expect(propertyLine('n', literal(42))).toBe('n=42');
    expect(propertyLine('b', literal(false))).toBe('b=false');
  });

  it('writes env references as expressions', () => {
    expect(propertyLine('debezium.sink.redis.password', fromEnv('SLUICE_RDI_DB_PASSWORD'))).toBe(
      'debezium.sink.redis.password=${SLUICE_RDI_DB_PASSWORD}',
    );
  });
});

describe('formatProperties', () => {
  it('writes comments then properties in insertion order, one per line', () => {
    const properties = new Map([
      ['b', literal('1')],
      ['a', literal('2')],
    ]);
    expect(formatProperties(['one', 'two\nthree'], properties)).toBe(
      '# one\n# two three\nb=1\na=2\n',
    );
  });
});
