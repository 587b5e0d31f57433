// A trace shows what the processor would write in the pipeline's processors.type_rendering:
// the entry decoded and the default job's commands rendered in that mode.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CapturedEntry } from './capture-entries.ts';
import { traceEntries } from './trace-entries.ts';

const entry: CapturedEntry = (() => {
  const url = new URL('../../processor/fixtures/postgresql-all-types.jsonl', import.meta.url);
  const [first] = readFileSync(url, 'utf8').trim().split('\n');
  const { key, value } = JSON.parse(first ?? '{}') as { key: string; value: string };
  return { stream: 'data:hybrid.public.all_types', id: '1-0', key, value, fields: [] };
})();

async function hsetOf(typeRendering: 'sluice' | 'rdi'): Promise<string[]> {
  const [traced] = await traceEntries([entry], {
    jobs: [],
    defaultDataType: 'hash',
    typeRendering,
    now: 0,
  });
  const hset = traced?.commands.find((command) => command[0] === 'HSET');
  if (hset === undefined) throw new Error('no HSET in the trace');
  return hset;
}

const field = (hset: readonly string[], name: string) => hset[hset.indexOf(name) + 1];

describe('trace with type_rendering', () => {
  it('renders dates as text and booleans as true/false with sluice', async () => {
    const hset = await hsetOf('sluice');
    expect(field(hset, 'c_date')).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(['true', 'false']).toContain(field(hset, 'c_bool'));
  });

  it('renders dates as epoch ms and booleans as 1/0 with rdi', async () => {
    const hset = await hsetOf('rdi');
    expect(field(hset, 'c_date')).toMatch(/^-?\d+$/);
    expect(['1', '0']).toContain(field(hset, 'c_bool'));
  });
});
