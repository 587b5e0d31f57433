// Micro-benchmark of the temporal conversions on the processor's hot path: dates (epoch days)
// and zone-less microsecond timestamps rendered as ISO text, processor/core/temporal.ts (calendar
// from @js-joda/core) against the hand-written BigInt arithmetic it replaced
// (bench/temporal-hand.ts). Checks first that both render every input alike.
//   node bench/temporal-bench.ts [--values 20000] [--rounds 20] [--runs 7]
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { dateFromEpochDays, localTimestamp } from '../processor/core/temporal.ts';
import { handDateFromEpochDays, handLocalTimestamp } from './temporal-hand.ts';

const { values } = parseArgs({
  options: {
    values: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '20' },
    runs: { type: 'string', default: '7' },
  },
});
const count = Number(values.values);
const rounds = Number(values.rounds);
const runs = Number(values.runs);

/** A fixed pseudo-random sequence (xorshift32), so that every run sees the same values. */
let seed = 2_463_534_242;
function random(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4_294_967_296;
}

// Rows of the kind tables hold: dates 1900..2100, timestamps 2000..2030 with microseconds.
const days = Array.from({ length: count }, () => Math.floor(-25_567 + random() * 73_049));
const micros = Array.from(
  { length: count },
  () =>
    946_684_800_000_000n +
    BigInt(Math.floor(random() * 946_728_000)) * 1_000_000n +
    BigInt(Math.floor(random() * 1_000_000)),
);

function check(): void {
  const extremes = [0, -1, 2_147_483_647, -2_147_483_648, -719_528, 2_932_896];
  for (let i = 0; i < 100_000; i += 1) extremes.push(Math.floor((random() - 0.5) * 4_294_967_295));
  for (const d of [...days, ...extremes]) {
    if (dateFromEpochDays(d) !== handDateFromEpochDays(d)) {
      throw new Error(`day ${d}: ${dateFromEpochDays(d)} ≠ ${handDateFromEpochDays(d)}`);
    }
  }
  for (const m of [...micros, -1n, -210_863_520_000_000_000n]) {
    if (localTimestamp(m, 1_000_000n, 6) !== handLocalTimestamp(m, 1_000_000n, 6)) {
      throw new Error(`timestamp ${m} renders differently`);
    }
  }
}

type Variant = { readonly date: (d: number) => string; readonly ts: (m: bigint) => string };
const variants: Readonly<Record<string, Variant>> = {
  'js-joda': { date: dateFromEpochDays, ts: (m) => localTimestamp(m, 1_000_000n, 6) },
  hand: { date: handDateFromEpochDays, ts: (m) => handLocalTimestamp(m, 1_000_000n, 6) },
};

/**
 * CPU nanoseconds (user + system) per conversion over `rounds` passes of the inputs: on a busy
 * machine CPU time, unlike wall time, does not count the waits for a core.
 */
function measure(convert: (i: number) => string): number {
  let length = 0;
  const started = process.cpuUsage();
  for (let r = 0; r < rounds; r += 1) {
    for (let i = 0; i < count; i += 1) length += convert(i).length;
  }
  const used = process.cpuUsage(started);
  if (length === 0) throw new Error('nothing converted');
  return ((used.user + used.system) * 1000) / (rounds * count);
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

check();
const results = new Map<string, { date: number[]; ts: number[] }>();
for (const name of Object.keys(variants)) results.set(name, { date: [], ts: [] });
// One warm-up pass, then the runs, the variants taking turns so load drifts hit both alike.
for (let run = -1; run < runs; run += 1) {
  for (const [name, v] of Object.entries(variants)) {
    const date = measure((i) => v.date(days[i] ?? 0));
    const ts = measure((i) => v.ts(micros[i] ?? 0n));
    if (run < 0) continue;
    results.get(name)?.date.push(date);
    results.get(name)?.ts.push(ts);
  }
}
console.log(
  `node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}, load ${loadavg()[0]?.toFixed(2)}; ${count} values × ${rounds} rounds, median of ${runs} runs`,
);
console.log('| variant | date CPU ns/op | timestamp CPU ns/op |');
console.log('|---|---:|---:|');
for (const [name, r] of results) {
  console.log(`| ${name} | ${median(r.date).toFixed(0)} | ${median(r.ts).toFixed(0)} |`);
}
