// The decoder alone, in one process and without Redis: decodeEnvelope over captured entries,
// next to a bare JSON.parse of the same values (what the reference consumer does), so the
// decoder's cost can be measured and profiled apart from I/O, jobs and Lua.
//   node bench/decode-bench.ts [--entries 100000] [--rounds 5] [--rendering sluice|rdi]
import { parseArgs } from 'node:util';
import { decodeEnvelope } from '../processor/core/decode-envelope.ts';
import type { TypeRendering } from '../processor/core/type-rendering.ts';
import { entriesFile } from './bench-paths.ts';
import { readEntries } from './entries-file.ts';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '5' },
    rendering: { type: 'string', default: 'sluice' },
  },
});
const limit = Number(values.entries);
const rounds = Number(values.rounds);
const rendering = values.rendering as TypeRendering;

const keys: (string | undefined)[] = [];
const texts: string[] = [];
for (const captured of await readEntries(entriesFile())) {
  if (texts.length >= limit) break;
  const fields = captured.fields;
  let key: string | undefined;
  let value = '';
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'key') key = fields[i + 1];
    if (fields[i] === 'value') value = fields[i + 1] ?? '';
  }
  keys.push(key);
  texts.push(value);
}

function rate(each: (i: number) => unknown): number {
  const started = performance.now();
  let sink = 0;
  for (let i = 0; i < texts.length; i += 1) if (each(i) !== undefined) sink += 1;
  if (sink !== texts.length) throw new Error('lost a result');
  return texts.length / ((performance.now() - started) / 1000);
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const decoded: number[] = [];
const parsed: number[] = [];
for (let round = 0; round < rounds; round += 1) {
  decoded.push(rate((i) => decodeEnvelope(keys[i], texts[i] ?? '', rendering)));
  parsed.push(rate((i) => JSON.parse(texts[i] ?? '') as unknown));
}
const d = median(decoded);
const p = median(parsed);
const bytes = texts.reduce((sum, t) => sum + t.length, 0) / Math.max(texts.length, 1);
console.log(
  `${String(texts.length)} values of ${Math.round(bytes)} chars, ${String(rounds)} rounds: ` +
    `decodeEnvelope ${Math.round(d)}/s, JSON.parse ${Math.round(p)}/s (decode costs ${(p / d).toFixed(2)}× a parse)`,
);
