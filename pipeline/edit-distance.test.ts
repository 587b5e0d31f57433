import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from './edit-distance.ts';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and swaps as one edit each', () => {
    expect(editDistance('port', 'port')).toBe(0);
    expect(editDistance('prot', 'port')).toBe(1);
    expect(editDistance('host', 'hosts')).toBe(1);
    expect(editDistance('colums', 'columns')).toBe(1);
    expect(editDistance('user', 'usr')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('closestMatch', () => {
  const keys = ['type', 'host', 'port', 'database', 'user', 'password'];

  it('finds a plausible typo, ignoring case', () => {
    expect(closestMatch('prot', keys)).toBe('port');
    expect(closestMatch('Pasword', keys)).toBe('password');
    expect(closestMatch('databse', keys)).toBe('database');
  });

  it('suggests nothing for an unrelated word', () => {
    expect(closestMatch('colour', keys)).toBeUndefined();
    expect(closestMatch('x', [])).toBeUndefined();
  });
});

describe('closestMatch bounds', () => {
  it('gives no suggestion for a very long word (its cost grows with the length)', () => {
    expect(closestMatch('sourcse', ['sources'])).toBe('sources');
    expect(closestMatch(`${'s'.repeat(64)}x`, ['s'.repeat(64)])).toBeUndefined();
  });
});
