// CDC throughput: steps the offered change rate (row updates from 16 sessions, 10 rows per
// statement) and finds the highest rate at which the lag stays bounded — Debezium alone
// (entries in the streams, trimmed as they come so memory stays flat) and the whole pipeline
// (entries acknowledged by the processor, i.e. in the target), on fresh servers each.
// A step is kept up when the generator achieved 90 % of the offered rate, the backlog at its end
// is at most --max-lag seconds of changes, and the backlog grew over the step's second half by
// at most 5 % of the rate per second; stepping stops after the first step not kept up.
//   bench/e2e.sh cdc [--rates 2000,4000,8000,12000,16000,24000] [--step-seconds 20] [--runs 3]
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '../../harness/wait-for.ts';
import { median } from '../bench-report.ts';
import { closeSessions, IdCursor, offerLoad, openSessions } from './load-generator.ts';
import { numberList, openWorkspace, parseOptions, positive } from './options.ts';
import { fingerprint, formatLoad, int, log, publish, sectionHead } from './report.ts';
import {
  benchTables,
  insertRows,
  startSource,
  startStreamingPipeline,
  withFreshServers,
} from './stack.ts';
import { streamProgress, type Progress } from './stream-progress.ts';

const NAME = 'cdc';

interface Step {
  readonly offered: number;
  readonly achieved: number;
  /** Changes committed but not yet through at the end of the step. */
  readonly backlog: number;
  /** How fast the backlog grew over the second half of the step, changes per second. */
  readonly growthPerSecond: number;
  /** Seconds from the end of the step until the backlog was gone. */
  readonly drainSeconds: number;
  readonly keptUp: boolean;
}

interface ModeRun {
  readonly load: string;
  readonly steps: readonly Step[];
  /** Highest offered rate kept up (0 when none). */
  readonly sustained: number;
}

async function main(): Promise<void> {
  const { common, values } = parseOptions(NAME, {
    rates: { type: 'string', default: '2000,4000,8000,12000,16000,24000' },
    'step-seconds': { type: 'string', default: '20' },
    sessions: { type: 'string', default: '16' },
    'rows-per-statement': { type: 'string', default: '10' },
    'rows-per-table': { type: 'string', default: '100000' },
    'max-lag': { type: 'string', default: '5' },
  });
  const rates = numberList(values.rates, 'rates');
  const stepSeconds = positive(values['step-seconds'], 'step-seconds');
  const sessionCount = positive(values.sessions, 'sessions');
  const rowsPerStatement = positive(values['rows-per-statement'], 'rows-per-statement');
  const rowsPerTable = positive(values['rows-per-table'], 'rows-per-table');
  const maxLag = positive(values['max-lag'], 'max-lag');
  const tables = benchTables(common.tables);
  const ws = await openWorkspace(NAME, common.keep);
  try {
    const pg = await startSource(ws.dir, ws.registry, tables);
    await insertRows(pg, tables, 1, rowsPerTable);
    await pg.query('VACUUM ANALYZE');
    const fp = await fingerprint((await pg.query('SHOW server_version'))[0]?.[0] ?? '?');
    const cursor = new IdCursor(sessionCount, tables.length, rowsPerTable);
    const alone: ModeRun[] = [];
    const whole: ModeRun[] = [];
    for (let i = 1; i <= common.runs; i++) {
      alone.push(await measure(`alone${i}`, false));
      whole.push(await measure(`whole${i}`, true));
      log(
        NAME,
        `run ${i}: Debezium alone sustains ${int(alone.at(-1)?.sustained ?? 0)}/s, whole ${int(whole.at(-1)?.sustained ?? 0)}/s`,
      );
    }
    await publish(
      report(
        common.command,
        fp,
        { stepSeconds, sessionCount, rowsPerStatement, maxLag },
        alone,
        whole,
      ),
      common.record,
    );

    function measure(label: string, withProcessor: boolean): Promise<ModeRun> {
      const load = formatLoad();
      return withFreshServers(ws, pg, label, async ({ dir, sourceName, pair }) => {
        const sessions = await openSessions(pg, sessionCount);
        try {
          const pipeline = await startStreamingPipeline({
            dir,
            registry: ws.registry,
            pg,
            pair,
            sourceName,
            tables,
            overrides: common.overrides,
            withProcessor,
          });
          const through = (p: Progress): number => (withProcessor ? p.done : p.added);
          // Debezium alone: nothing consumes the streams, so they are trimmed as they grow.
          const trimmer = withProcessor
            ? undefined
            : setInterval(() => {
                for (const s of pipeline.streams)
                  pair.rdiClient.xtrim(s, 'MAXLEN', '~', 10_000).catch(() => undefined);
              }, 1_000);
          const steps: Step[] = [];
          const counter = { changes: 0 };
          const backlogNow = async (): Promise<number> =>
            counter.changes - through(await streamProgress(pair.rdiClient, pipeline.streams));
          const loadShape = { pg, tables, sessions: sessionCount, rowsPerStatement, rowsPerTable };
          try {
            // A warm-up load (JIT of every stage), measured from once all of it went through.
            await offerLoad(sessions, cursor, {
              ...loadShape,
              rate: (rates[0] ?? 1_000) / 2,
              seconds: 10,
              record: false,
              counter,
            });
            await waitFor(
              'the warm-up changes to go through',
              async () => (await backlogNow()) <= 0,
              {
                timeoutMs: 300_000,
                intervalMs: 200,
              },
            );
            for (const rate of rates) {
              // The backlog half-way through the step: a pipeline that keeps up does not let it grow.
              const midway = sleep(stepSeconds * 500).then(backlogNow);
              const result = await offerLoad(sessions, cursor, {
                ...loadShape,
                rate,
                seconds: stepSeconds,
                record: false,
                counter,
              });
              const ended = performance.now();
              const backlog = await backlogNow();
              const achieved = result.changes / result.seconds;
              const growthPerSecond = (backlog - (await midway)) / (stepSeconds / 2);
              const keptUp =
                achieved >= 0.9 * rate &&
                backlog <= maxLag * achieved &&
                growthPerSecond <= 0.05 * achieved;
              let drained = backlog <= 0;
              while (!drained && performance.now() - ended < 180_000) {
                await sleep(200);
                const p = await streamProgress(pair.rdiClient, pipeline.streams);
                drained = through(p) >= counter.changes;
              }
              const drainSeconds = drained ? (performance.now() - ended) / 1_000 : Number.NaN;
              steps.push({
                offered: rate,
                achieved,
                backlog,
                growthPerSecond,
                drainSeconds,
                keptUp,
              });
              log(
                NAME,
                `${label} ${rate}/s: achieved ${int(achieved)}/s, backlog ${int(backlog)}, drained in ${drainSeconds.toFixed(1)} s`,
              );
              if (!keptUp || !drained) break;
            }
          } finally {
            if (trimmer !== undefined) clearInterval(trimmer);
          }
          const kept = steps.filter((s) => s.keptUp).map((s) => s.offered);
          return { load, steps, sustained: kept.length === 0 ? 0 : Math.max(...kept) };
        } finally {
          await closeSessions(sessions);
        }
      });
    }
  } finally {
    await ws.close();
  }
}

function report(
  command: string,
  fp: Awaited<ReturnType<typeof fingerprint>>,
  shape: { stepSeconds: number; sessionCount: number; rowsPerStatement: number; maxLag: number },
  alone: readonly ModeRun[],
  whole: readonly ModeRun[],
): string[] {
  const rows = (mode: string, runs: readonly ModeRun[]): string[] =>
    runs.flatMap((run, i) =>
      run.steps.map(
        (s) =>
          `| ${i + 1} | ${mode} | ${run.load} | ${int(s.offered)} | ${int(s.achieved)} | ${int(s.backlog)} | ${(s.backlog / s.achieved).toFixed(2)} | ${int(s.growthPerSecond)} | ${Number.isFinite(s.drainSeconds) ? s.drainSeconds.toFixed(1) : 'no'} | ${s.keptUp ? 'yes' : '**no**'} |`,
      ),
    );
  const a = median(alone.map((r) => r.sustained));
  const w = median(whole.map((r) => r.sustained));
  return [
    ...sectionHead('E2E CDC throughput', command, fp),
    `- Row updates (rows of ~1 KB) from ${shape.sessionCount} sessions, ${shape.rowsPerStatement} rows per statement, autocommit, synchronous commit (PostgreSQL with fsync off, as the harness runs it); steps of ${shape.stepSeconds} s; kept up = ≥ 90 % of the offered rate achieved by the generator, backlog at the end of the step ≤ ${shape.maxLag} s of changes, and the backlog growing by ≤ 5 % of the rate per second over the step's second half (lag bounded)`,
    '',
    '| run | mode | load at start | offered/s | achieved/s | backlog at end | lag s | backlog growth/s | drained in s | kept up |',
    '|---:|---|---|---:|---:|---:|---:|---:|---:|---|',
    ...rows('Debezium alone', alone),
    ...rows('whole pipeline', whole),
    '',
    `Highest rate kept up, median of ${alone.length} runs: Debezium alone **${int(a)}/s**, whole pipeline **${int(w)}/s** (whole / alone ${(w / a).toFixed(2)}×; target: the whole pipeline sustains what Debezium alone sustains). A step not kept up because the generator fell short of 90 % means the client or PostgreSQL was the limit.`,
    '',
  ];
}

await main();
