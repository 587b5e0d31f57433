// Initial sync of N rows of ~1 KB (bench/bench-tables.ts, spread over the tables): per run,
// Debezium alone (from its launch until every row is an entry in the streams) and the whole
// pipeline (from Debezium's launch until the processor acknowledged every row, i.e. every row
// is in the target), each on fresh Redis servers against the same PostgreSQL; rows/s, the
// ratio, and the RDI database's peak used_memory (polled every 200 ms).
//   bench/e2e.sh initial-sync [--rows 1000000] [--runs 3] [--tables 4] [--set k=v] [--processor k=v]
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { median } from '../bench-report.ts';
import { numberList, openWorkspace, parseOptions } from './options.ts';
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
}

interface Run {
  readonly load: string;
  readonly alone: Sync;
  readonly whole: Sync;
  readonly targetKeys: number;
}

const NAME = 'initial-sync';

async function main(): Promise<void> {
  const { common, values } = parseOptions(NAME, { rows: { type: 'string', default: '1000000' } });
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
      const alone = (await measure(i, false)).sync;
      const wholeRun = await measure(i, true);
      log(
        NAME,
        `run ${i}: Debezium alone ${int(alone.rowsPerSecond)} rows/s, whole ${int(wholeRun.sync.rowsPerSecond)} rows/s`,
      );
      runs.push({ load, alone, whole: wholeRun.sync, targetKeys: wholeRun.targetKeys });
    }
    await publish(report(common.command, fp, total, tables.length, runs), common.record);

    async function measure(
      run: number,
      whole: boolean,
    ): Promise<{ sync: Sync; targetKeys: number }> {
      const label = `${whole ? 'whole' : 'alone'}${run}`;
      return withFreshServers(ws, pg, label, async ({ dir, sourceName, pair }) => {
        const pipeline = await renderPipeline({
          dir: ws.dir,
          pg,
          pair,
          sourceName,
          tables,
          overrides: common.overrides,
        });
        if (whole) await startProcessor(pipeline, dir, ws.registry, pair.rdi.url);
        const started = performance.now();
        let peak = 0;
        let first: number | undefined;
        let done = false;
        const collector = startCollector(pipeline, join(dir, 'debezium'), ws.registry);
        collector.catch(() => undefined);
        const deadline = started + 3_600_000;
        while (!done) {
          const progress = await streamProgress(pair.rdiClient, pipeline.streams);
          peak = Math.max(peak, await usedMemory(pair.rdiClient));
          if (first === undefined && progress.added > 0) first = performance.now();
          done = (whole ? progress.done : progress.added) >= total;
          if (!done) {
            if (performance.now() > deadline) throw new Error(`${label} did not finish in an hour`);
            await sleep(200);
          }
        }
        const seconds = (performance.now() - started) / 1_000;
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
    `Medians of ${runs.length} runs: Debezium alone **${int(alone)} rows/s**, whole pipeline **${int(whole)} rows/s**, whole / alone **${ratio.toFixed(2)}×** (target ≥ 0.95×, ≥ 30,000 rows/s).`,
    '',
  ];
}

await main();
