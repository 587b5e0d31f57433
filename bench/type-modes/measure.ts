// Measures each captured type mode (capture-entries.ts): bytes per stream entry (key + value,
// and every field as Redis holds it), decode speed of decodeEnvelope (entries/s, median of 5
// runs), values lost on the way (a column the source row sets that arrives as null) and values
// whose rendering differs from mode (c) `hybrid`, the exact reference, in either rendering.
// Usage: node bench/type-modes/measure.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { ChangeEvent } from '../../processor/core/change-event.ts';
import { decodeEnvelope } from '../../processor/core/decode-envelope.ts';
import { renderJsonValue } from '../../processor/core/render-json-value.ts';
import { TYPE_MODE_VARIANTS } from './variants.ts';

type Entry = Readonly<Record<string, string>> & { readonly key: string; readonly value: string };

const dir = join(import.meta.dirname, 'captured');
const NULL_ROW_IDS = new Set([4, 104]);
const REFERENCE = 'hybrid';

function load(kind: string, variant: string): Entry[] {
  const text = readFileSync(join(dir, `${kind}-all_types-${variant}.jsonl`), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Entry);
}

function decodeRate(entries: readonly Entry[]): number {
  const rates: number[] = [];
  for (let run = 0; run < 5; run += 1) {
    const started = process.hrtime.bigint();
    let count = 0;
    while (process.hrtime.bigint() - started < 400_000_000n) {
      for (const entry of entries) decodeEnvelope(entry.key, entry.value);
      count += entries.length;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    rates.push(count / seconds);
  }
  rates.sort((a, b) => a - b);
  return rates[2] ?? 0;
}

/** Columns that the source row sets but that arrive as null: values Debezium dropped. */
function lostValues(entries: readonly Entry[]): string[] {
  const lost: string[] = [];
  for (const entry of entries) {
    const event = decodeEnvelope(entry.key, entry.value);
    const id = Number(event.after?.['id']);
    if (NULL_ROW_IDS.has(id)) continue;
    for (const [column, value] of Object.entries(event.after ?? {})) {
      if (value === null && id < 100) lost.push(`${column}#${id}`);
    }
  }
  return lost;
}

function byId(entries: readonly Entry[], rendering: 'sluice' | 'rdi'): Map<string, ChangeEvent> {
  const rows = new Map<string, ChangeEvent>();
  for (const entry of entries) {
    const event = decodeEnvelope(entry.key, entry.value, rendering);
    rows.set(JSON.stringify(renderJsonValue(event.after?.['id'] ?? null)), event);
  }
  return rows;
}

/** Columns (`column#id`, either rendering) whose decoded value differs from the reference's. */
function differences(entries: readonly Entry[], reference: readonly Entry[]): string[] {
  const found = new Set<string>();
  for (const rendering of ['sluice', 'rdi'] as const) {
    const want = byId(reference, rendering);
    for (const [id, event] of byId(entries, rendering)) {
      const after = want.get(id)?.after ?? {};
      for (const [column, value] of Object.entries(event.after ?? {})) {
        if (!isDeepStrictEqual(value, after[column])) found.add(`${column}#${id}`);
      }
    }
  }
  return [...found];
}

/** `c_time (4), c_date (12)`: how many rows of each column. */
function byColumn(items: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const item of items) {
    const column = item.slice(0, item.lastIndexOf('#'));
    counts.set(column, (counts.get(column) ?? 0) + 1);
  }
  return [...counts].map(([column, n]) => `${column} (${n})`).join(', ');
}

const mean = (entries: readonly Entry[], size: (e: Entry) => number): number =>
  Math.round(entries.reduce((sum, e) => sum + size(e), 0) / entries.length);

console.log(
  '| source | mode | bytes/entry (key+value) | bytes/entry (all fields) | decode entries/s | values lost | values differing from (c) |',
);
console.log('|---|---|---:|---:|---:|---|---|');
for (const kind of ['postgresql', 'mariadb']) {
  const reference = load(kind, REFERENCE);
  for (const variant of Object.keys(TYPE_MODE_VARIANTS)) {
    const entries = load(kind, variant);
    const keyValue = mean(entries, (e) => Buffer.byteLength(e.key) + Buffer.byteLength(e.value));
    const all = mean(entries, (e) =>
      Object.entries(e)
        .filter(([field]) => field !== 'id')
        .reduce(
          (sum, [field, text]) => sum + Buffer.byteLength(field) + Buffer.byteLength(text),
          0,
        ),
    );
    const rate = decodeRate(entries);
    const lost = lostValues(entries);
    const differ = differences(entries, reference);
    const list = (items: string[]) => (items.length === 0 ? 'none' : byColumn(items));
    console.log(
      `| ${kind} | ${variant} | ${keyValue} | ${all} | ${Math.round(rate)} | ${list(lost)} | ${list(differ)} |`,
    );
  }
}
