// Formats the benchmark's Markdown section: machine and versions, the entry mix, one row per
// run, then medians and ratios against the targets of issue 3 item 8. Pure: data in, text out.
import { basename } from 'node:path';
import { entriesFile } from './bench-paths.ts';
import type { EntriesSummary } from './entries-summary.ts';
import type { ConsumerRun } from './measure-consumer.ts';

export interface BenchRun {
  readonly processor: ConsumerRun;
  readonly reference: ConsumerRun;
  readonly rawHsetPerSecond: number;
  /** Data keys in the target after each consumer (both should equal the live rows). */
  readonly processorKeys: number;
  readonly referenceKeys: number;
  /** 1-minute load average before the run: other work on the machine skews the figures. */
  readonly loadBefore: number;
}

export interface Environment {
  /** codeFingerprint() of the measured processor source. */
  readonly code: string;
  readonly command: string;
  readonly date: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly redis: string;
}

export const TARGETS = { recordsPerSecond: 100_000, vsReference: 2.5, rssMb: 256 } as const;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const verdict = (ok: boolean): string => (ok ? 'met' : '**missed**');

export function benchReport(
  env: Environment,
  entries: EntriesSummary,
  runs: readonly BenchRun[],
): string {
  const proc = median(runs.map((r) => r.processor.recordsPerSecond));
  const ref = median(runs.map((r) => r.reference.recordsPerSecond));
  const raw = median(runs.map((r) => r.rawHsetPerSecond));
  const rss = median(runs.map((r) => r.processor.peakRssMb));
  const procCpu = median(runs.map((r) => r.processor.recordsPerCpuSecond));
  const refCpu = median(runs.map((r) => r.reference.recordsPerCpuSecond));
  const refRss = median(runs.map((r) => r.reference.peakRssMb));
  const mixLines = [...entries.mix].map(([table, ops]) => {
    const parts = [...ops].sort().map(([op, n]) => `${op}=${int(n)}`);
    return `- \`${table}\`: ${parts.join(', ')}`;
  });
  return [
    `### Run of ${env.date}`,
    '',
    `- Command: \`${env.command}\``,
    `- Machine: ${env.cores} cores, ${env.cpuModel}, ${env.memoryGb.toFixed(0)} GB RAM`,
    `- Node ${env.node}, ${env.redis}; processor source fingerprint \`${env.code}\` (bench/code-fingerprint.ts)`,
    `- Entries: ${int(entries.count)} captured from Debezium Server 3.6.1 (PostgreSQL, extended format; file \`${basename(entriesFile())}\`), mean ${int(entries.averageEntryBytes)} bytes per entry (all fields); ${int(entries.liveRows)} rows live at the end; hashes of ${entries.hash.fieldCount} fields, mean value ${int(entries.hash.valueBytes)} bytes`,
    ...mixLines,
    '',
    '| run | load before | processor rec/s | rec per CPU-s | first checkpoint s | peak RSS MB | reference rec/s | rec per CPU-s | RSS MB | raw HSET/s | keys (proc / ref) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...runs.map(
      (r, i) =>
        `| ${i + 1} | ${r.loadBefore.toFixed(2)} | ${int(r.processor.recordsPerSecond)} | ${int(r.processor.recordsPerCpuSecond)} | ${r.processor.firstCheckpointSeconds.toFixed(2)} | ${r.processor.peakRssMb.toFixed(0)} | ${int(r.reference.recordsPerSecond)} | ${int(r.reference.recordsPerCpuSecond)} | ${r.reference.peakRssMb.toFixed(0)} | ${int(r.rawHsetPerSecond)} | ${int(r.processorKeys)} / ${int(r.referenceKeys)} |`,
    ),
    '',
    `Medians of ${runs.length} runs:`,
    '',
    '| measure | median | target | verdict |',
    '|---|---:|---:|---|',
    `| processor records/s (one process) | ${int(proc)} | ≥ ${int(TARGETS.recordsPerSecond)} | ${verdict(proc >= TARGETS.recordsPerSecond)} |`,
    `| reference consumer records/s | ${int(ref)} | | |`,
    `| raw Redis HSET/s (redis-benchmark -P 16) | ${int(raw)} | | |`,
    `| processor / reference | ${(proc / ref).toFixed(2)}× | ≥ ${TARGETS.vsReference}× | ${verdict(proc / ref >= TARGETS.vsReference)} |`,
    `| processor / raw Redis | ${(proc / raw).toFixed(2)}× | | |`,
    `| processor records per CPU-second | ${int(procCpu)} | | |`,
    `| reference records per CPU-second | ${int(refCpu)} | | |`,
    `| processor / reference, per CPU-second | ${(procCpu / refCpu).toFixed(2)}× | | |`,
    `| processor peak RSS | ${rss.toFixed(0)} MB | ≤ ${TARGETS.rssMb} MB | ${verdict(rss <= TARGETS.rssMb)} |`,
    `| reference peak RSS | ${refRss.toFixed(0)} MB | | |`,
    '',
    ...cpuShares(env.cores, runs),
  ].join('\n');
}

/**
 * CPU per record of each process (consumer, RDI database, target Redis; medians) and the
 * ceiling it sets: with every process busy all the time on `cores` cores, records/s can be at
 * most cores × 10^6 / (total µs per record), and one consumer process at most its own
 * records per CPU-second.
 */
function cpuShares(cores: number, runs: readonly BenchRun[]): string[] {
  const rows = (['processor', 'reference'] as const).flatMap((who) => {
    const measured = runs.map((r) => r[who]);
    const servers = measured.flatMap((m) =>
      m.serverMicrosPerRecord === undefined ? [] : [m.serverMicrosPerRecord],
    );
    if (servers.length === 0) return [];
    const own = median(measured.map((m) => 1e6 / m.recordsPerCpuSecond));
    const rdi = median(servers.map((s) => s.rdi));
    const target = median(servers.map((s) => s.target));
    const total = own + rdi + target;
    return [
      `| ${who} | ${own.toFixed(1)} | ${rdi.toFixed(1)} | ${target.toFixed(1)} | ${total.toFixed(1)} | ${int((cores * 1e6) / total)} | ${int(1e6 / own)} |`,
    ];
  });
  if (rows.length === 0) return [];
  return [
    `CPU per record, µs (medians; Redis servers from \`INFO cpu\`), and the ceilings they set on this ${cores}-core machine:`,
    '',
    `| consumer | consumer µs | RDI Redis µs | target Redis µs | total µs | ceiling on ${cores} cores, rec/s | ceiling of one consumer process, rec/s |`,
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
  ];
}
