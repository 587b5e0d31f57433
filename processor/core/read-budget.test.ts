import { describe, expect, it } from 'vitest';
import { ReadBudget } from './read-budget.ts';

const entries = (count: number, bytes: number): [string, string[]][] =>
  Array.from({ length: count }, (_, i) => [`${i}-0`, ['value', 'x'.repeat(bytes - 5)]]);

describe('ReadBudget', () => {
  it('reads a few entries first, to learn their size', () => {
    expect(new ReadBudget(2000, 8_000_000).count(4)).toBe(64);
    expect(new ReadBudget(10, 8_000_000).count(4)).toBe(10);
  });

  it('keeps small entries at read_batch_size', () => {
    const budget = new ReadBudget(2000, 8_000_000);
    budget.observe(entries(100, 500));
    expect(budget.count(4)).toBe(2000);
  });

  it('fits large entries into the byte budget, shared by the streams of a read', () => {
    const budget = new ReadBudget(2000, 8_000_000);
    budget.observe(entries(100, 5_000));
    expect(budget.count(1)).toBe(1600);
    expect(budget.count(4)).toBe(400);
  });

  it('never asks for fewer than one entry', () => {
    const budget = new ReadBudget(2000, 1_000);
    budget.observe(entries(3, 50_000));
    expect(budget.count(8)).toBe(1);
  });

  it('follows a change of entry size gradually', () => {
    const budget = new ReadBudget(2000, 8_000_000);
    budget.observe(entries(10, 5_000));
    budget.observe(entries(10, 1_000));
    // 0.7 × 5000 + 0.3 × 1000 = 3800 bytes per entry.
    expect(budget.count(1)).toBe(2000);
    expect(budget.count(2)).toBe(1052);
  });
});
