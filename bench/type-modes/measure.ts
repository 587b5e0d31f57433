// Measures each captured type mode (capture-entries.ts): bytes per stream entry, decode speed
// of decodeEnvelope (entries/s, median of 5 runs) and values lost on the way (a column the
// source row sets that arrives as null). Usage: node bench/type-modes/measure.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeEnvelope } from '../../processor/decode-envelope.ts';
import { TYPE_MODE_VARIANTS } from './variants.ts';

interface Entry {
  readonly key: string;
  readonly value: string;
}

const dir = join(import.meta.dirname, 'captured');
const NULL_ROW_IDS = new Set([4, 104]);

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

console.log('| source | mode | bytes/entry (key+value) | decode entries/s | values lost |');
console.log('|---|---|---:|---:|---|');
for (const kind of ['postgresql', 'mariadb']) {
  for (const variant of Object.keys(TYPE_MODE_VARIANTS)) {
    const entries = load(kind, variant);
    const bytes =
      entries.reduce((sum, e) => sum + Buffer.byteLength(e.key) + Buffer.byteLength(e.value), 0) /
      entries.length;
    const rate = decodeRate(entries);
    const lost = lostValues(entries);
    console.log(
      `| ${kind} | ${variant} | ${Math.round(bytes)} | ${Math.round(rate)} | ${lost.length === 0 ? 'none' : lost.join(', ')} |`,
    );
  }
}
