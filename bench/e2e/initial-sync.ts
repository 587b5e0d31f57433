// Initial sync of N rows of ~1 KB (bench/bench-tables.ts, spread over the tables): per run,
// Debezium alone (from its launch until every row is an entry in the streams) and the whole
// pipeline (from Debezium's launch until the processor acknowledged every row, i.e. every row
// is in the target), each on fresh Redis servers against the same PostgreSQL; rows/s, the
// ratio, and the RDI database's peak used_memory (polled every 200 ms).
//   bench/e2e.sh initial-sync [--rows 1000000] [--runs 3] [--tables 4] [--set k=v] [--processor k=v]
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { median } from '../bench-report.ts';
import { cpuSeconds } from '../measure-consumer.ts';
import { numberList, openWorkspace, pairs, parseOptions } from './options.ts';
import { fingerprint, formatLoad, int, log, publish, sectionHead } from './report.ts';
import {
  benchTables,
  insertRows,
  type RedisPair,
  renderPipeline,
  startCollector,
  startProcessor,
  startSource,
  withFreshServers,
  type Overrides,
} from './stack.ts';
import { streamProgress, usedMemory } from './stream-progress.ts';

interface Sync {
  readonly seconds: number;
  /** Seconds from Debezium's launch to the first entry (JVM start, connect, snapshot setup). */
  readonly firstEntrySeconds: number;
  /** Rows over the seconds from the first entry to the last: the sync itself, start-up left out. */
  readonly rowsPerSecond: number;
  /** Rows over the seconds from Debezium's launch, as a user waits for them. */
  readonly rowsPerSecondFromLaunch: number;
  readonly peakUsedMb: number;
  /** CPU seconds each process spent from the first entry to the end: steadier than wall time. */
  readonly cpu: Cpu;
}

interface Cpu {
  readonly debezium: number;
  readonly processor: number;
  readonly rdi: number;
}

async function cpuNow(
  debeziumPid: number,
  processorPid: number | undefined,
  pair: RedisPair,
): Promise<Cpu> {
  const info = await pair.rdiClient.info('cpu');
  const field = (name: string): number =>
    Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1]);
  return {
    debezium: await cpuSeconds(debeziumPid),
    processor: processorPid === undefined ? 0 : await cpuSeconds(processorPid),
    rdi: field('used_cpu_user') + field('used_cpu_sys'),
  };
}

interface Run {
  readonly load: string;
  readonly alone: Sync;
  readonly whole: Sync;
  readonly targetKeys: number;
  /** The same two measurements with the candidate settings, when some were given. */
  readonly candidate?: { readonly alone: Sync; readonly whole: Sync };
}

const NAME = 'initial-sync';

async function main(): Promise<void> {
  const { common, values } = parseOptions(NAME, {
    rows: { type: 'string', default: '1000000' },
    // Settings to compare with the defaults in the same run: each run then also measures
    // Debezium alone and the whole pipeline with them (on top of --set / --processor).
    'candidate-set': { type: 'string', multiple: true, default: [] },
    'candidate-processor': { type: 'string', multiple: true, default: [] },
  });
  const candidateDebezium = pairs(values['candidate-set']);
  const candidateProcessor = pairs(values['candidate-processor']);
  const candidate: Overrides | undefined =
    Object.keys(candidateDebezium).length + Object.keys(candidateProcessor).length === 0
      ? undefined
      : {
          debezium: { ...common.overrides.debezium, ...candidateDebezium },
          processor: { ...common.overrides.processor, ...candidateProcessor },
        };
  const [rows = 0] = numberList(values.rows, 'rows');
  const tables = benchTables(common.tables);
  const perTable = Math.ceil(rows / tables.length);
  const total = perTable * tables.length;
  const ws = await openWorkspace(NAME, common.keep);
  try {
    const pg = await startSource(ws.dir, ws.registry, tables);
    const loadStarted = Date.now();
    await insertRows(pg, tables, 1, perTable);
    await pg.query('VACUUM ANALYZE');
    await pg.query('CHECKPOINT');
    log(NAME, `${int(total)} rows loaded in ${((Date.now() - loadStarted) / 1000).toFixed(0)} s`);
    const fp = await fingerprint((await pg.query('SHOW server_version'))[0]?.[0] ?? '?');
    const runs: Run[] = [];
    for (let i = 1; i <= common.runs; i++) {
      const load = formatLoad();
      const tryCandidate = async (): Promise<Run['candidate']> =>
        candidate === undefined
          ? undefined
          : {
              alone: (await measure(i, false, candidate, 'c')).sync,
              whole: (await measure(i, true, candidate, 'c')).sync,
            };
      // Even runs measure the candidate first: a load that changes during a run (other work
      // on the machine) then favours neither side.
      const early = i % 2 === 0 ? await tryCandidate() : undefined;
      const alone = (await measure(i, false, common.overrides)).sync;
      const wholeRun = await measure(i, true, common.overrides);
      log(
        NAME,
        `run ${i}: Debezium alone ${int(alone.rowsPerSecond)} rows/s, whole ${int(wholeRun.sync.rowsPerSecond)} rows/s`,
      );
      const tried = i % 2 === 0 ? early : await tryCandidate();
      if (tried !== undefined) {
        log(
          NAME,
          `run ${i} candidate: Debezium alone ${int(tried.alone.rowsPerSecond)} rows/s, whole ${int(tried.whole.rowsPerSecond)} rows/s`,
        );
      }
      runs.push({
        load,
        alone,
        whole: wholeRun.sync,
        targetKeys: wholeRun.targetKeys,
        ...(tried === undefined ? {} : { candidate: tried }),
      });
    }
    await publish(report(common.command, fp, total, tables.length, runs), common.record);

    async function measure(
      run: number,
      whole: boolean,
      overrides: Overrides,
      suffix = '',
    ): Promise<{ sync: Sync; targetKeys: number }> {
      const label = `${whole ? 'whole' : 'alone'}${run}${suffix}`;
      return withFreshServers(ws, pg, label, async ({ dir, sourceName, pair }) => {
        const pipeline = await renderPipeline({
          dir: ws.dir,
          pg,
          pair,
          sourceName,
          tables,
          overrides,
        });
        const processor = whole
          ? await startProcessor(pipeline, dir, ws.registry, pair.rdi.url)
          : undefined;
        const started = performance.now();
        let peak = 0;
        let first: number | undefined;
        let cpuAtFirst: Cpu | undefined;
        let done = false;
        const collector = startCollector(pipeline, join(dir, 'debezium'), ws.registry);
        collector.catch(() => undefined);
        const deadline = started + 3_600_000;
        while (!done) {
          const progress = await streamProgress(pair.rdiClient, pipeline.streams);
          peak = Math.max(peak, await usedMemory(pair.rdiClient));
          if (first === undefined && progress.added > 0) {
            first = performance.now();
            cpuAtFirst = await cpuNow((await collector).pid, processor?.pid, pair);
          }
          done = (whole ? progress.done : progress.added) >= total;
          if (!done) {
            if (performance.now() > deadline) throw new Error(`${label} did not finish in an hour`);
            await sleep(200);
          }
        }
        const seconds = (performance.now() - started) / 1_000;
        const cpuAtEnd = await cpuNow((await collector).pid, processor?.pid, pair);
        await (await collector).stop();
        const targetKeys = whole ? await dataKeys(pair) : 0;
        if (whole && targetKeys !== total) {
          throw new Error(`${label}: the target holds ${targetKeys} rows, expected ${total}`);
        }
        const sync = {
          seconds,
          firstEntrySeconds: ((first ?? started) - started) / 1_000,
          rowsPerSecond: total / (seconds - ((first ?? started) - started) / 1_000),
          rowsPerSecondFromLaunch: total / seconds,
          peakUsedMb: peak / 1024 ** 2,
          cpu: {
            debezium: cpuAtEnd.debezium - (cpuAtFirst?.debezium ?? 0),
            processor: cpuAtEnd.processor - (cpuAtFirst?.processor ?? 0),
            rdi: cpuAtEnd.rdi - (cpuAtFirst?.rdi ?? 0),
          },
        };
        return { sync, targetKeys };
      });
    }
  } finally {
    await ws.close();
  }
}

async function dataKeys(pair: RedisPair): Promise<number> {
  const own = await pair.targetClient.keys('sluice:*');
  return (await pair.targetClient.dbsize()) - own.length;
}

function report(
  command: string,
  fp: Awaited<ReturnType<typeof fingerprint>>,
  rows: number,
  tableCount: number,
  runs: readonly Run[],
): string[] {
  const s = (n: number): string => n.toFixed(1);
  const alone = median(runs.map((r) => r.alone.rowsPerSecond));
  const whole = median(runs.map((r) => r.whole.rowsPerSecond));
  const ratio = median(runs.map((r) => r.whole.rowsPerSecond / r.alone.rowsPerSecond));
  return [
    ...sectionHead(`E2E initial sync of ${int(rows)} rows`, command, fp),
    `- ${int(rows)} rows of ~1 KB (10 columns) over ${tableCount} tables; done when every row is an entry in the streams (Debezium alone, no processor) or acknowledged by the processor, i.e. written to the target (whole pipeline). "s" counts from Debezium's launch (JVM start included); rows/s counts from the first entry (the sync itself: start-up, which depends mostly on the machine's load, left out), "from launch" from the launch`,
    '',
    '| run | load (1/5/15) | Debezium alone s | first entry s | rows/s | from launch | RDI peak MB | whole pipeline s | first entry s | rows/s | from launch | RDI peak MB | whole / alone |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...runs.map(
      (r, i) =>
        `| ${i + 1} | ${r.load} | ${s(r.alone.seconds)} | ${s(r.alone.firstEntrySeconds)} | ${int(r.alone.rowsPerSecond)} | ${int(r.alone.rowsPerSecondFromLaunch)} | ${int(r.alone.peakUsedMb)} | ${s(r.whole.seconds)} | ${s(r.whole.firstEntrySeconds)} | ${int(r.whole.rowsPerSecond)} | ${int(r.whole.rowsPerSecondFromLaunch)} | ${int(r.whole.peakUsedMb)} | ${(r.whole.rowsPerSecond / r.alone.rowsPerSecond).toFixed(2)}× |`,
    ),
    '',
    'CPU seconds from the first entry to the end (Debezium JVM / processor / RDI Redis), and rows per CPU-second of each — steadier than wall time when other work shares the cores:',
    '',
    '| run | alone: Debezium CPU s | RDI CPU s | rows per Debezium CPU-s | whole: Debezium CPU s | processor CPU s | RDI CPU s | rows per Debezium CPU-s | rows per processor CPU-s |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...runs.map(
      (r, i) =>
        `| ${i + 1} | ${s(r.alone.cpu.debezium)} | ${s(r.alone.cpu.rdi)} | ${int(rows / r.alone.cpu.debezium)} | ${s(r.whole.cpu.debezium)} | ${s(r.whole.cpu.processor)} | ${s(r.whole.cpu.rdi)} | ${int(rows / r.whole.cpu.debezium)} | ${int(rows / r.whole.cpu.processor)} |`,
    ),
    '',
    ...candidateLines(runs, rows),
    `Medians of ${runs.length} runs: Debezium alone **${int(alone)} rows/s**, whole pipeline **${int(whole)} rows/s**, whole / alone **${ratio.toFixed(2)}×** (target ≥ 0.95×, ≥ 30,000 rows/s).`,
    '',
  ];
}

/** Same-run comparison of the candidate settings with the defaults (rows/s and CPU). */
function candidateLines(runs: readonly Run[], rows: number): string[] {
  const tried = runs.filter((r) => r.candidate !== undefined);
  if (tried.length === 0) return [];
  const cell = (base: Sync, other: Sync): string =>
    `${int(base.rowsPerSecond)} → ${int(other.rowsPerSecond)} (${(other.rowsPerSecond / base.rowsPerSecond).toFixed(2)}×) | ${int(rows / base.cpu.debezium)} → ${int(rows / other.cpu.debezium)}`;
  return [
    'Candidate settings (--candidate-set / --candidate-processor) against the defaults, same run (odd runs measure the defaults first, even runs the candidate): rows/s, and rows per CPU-second:',
    '',
    '| run | alone rows/s | alone rows per Debezium CPU-s | whole rows/s | whole rows per Debezium CPU-s | whole rows per processor CPU-s |',
    '|---:|---:|---:|---:|---:|---:|',
    ...tried.map((r, i) => {
      const c = r.candidate;
      if (c === undefined) return '';
      return `| ${i + 1} | ${cell(r.alone, c.alone)} | ${cell(r.whole, c.whole)} | ${int(rows / r.whole.cpu.processor)} → ${int(rows / c.whole.cpu.processor)} |`;
    }),
    '',
  ];
}

await main();
