// Latency commit → target at fixed change rates (one row per autocommit UPDATE from 16 sessions,
// synchronous commit). Each update sets updated_at = clock_timestamp() and returns it; the
// stream entry's id gives the time it reached the RDI database (a plain XREAD tail beside the
// processor), the target's keyspace notifications the time the row was written. Debezium alone
// gives commit → stream entry without the processor's load; the whole pipeline gives both parts
// and the total. Every change of a step touches a different row, so a key names one change.
//   bench/e2e.sh latency [--rates 2000,5000] [--seconds 20] [--warmup 3] [--runs 3]
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '../../harness/wait-for.ts';
import { median } from '../bench-report.ts';
import {
  differences,
  percentiles,
  tailStreams,
  watchTarget,
  type Observer,
  type Percentiles,
} from './change-timing.ts';
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
import { streamProgress } from './stream-progress.ts';

const NAME = 'latency';

interface Measured {
  readonly run: number;
  readonly mode: 'Debezium alone' | 'whole pipeline';
  readonly rate: number;
  readonly load: string;
  readonly achieved: number;
  readonly changes: number;
  readonly commitToEntry: Percentiles;
  readonly entryToTarget?: Percentiles;
  readonly commitToTarget?: Percentiles;
}

async function main(): Promise<void> {
  const { common, values } = parseOptions(NAME, {
    rates: { type: 'string', default: '2000,5000' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    sessions: { type: 'string', default: '16' },
  });
  const rates = numberList(values.rates, 'rates');
  const seconds = positive(values.seconds, 'seconds');
  const warmup = positive(values.warmup, 'warmup');
  const sessionCount = positive(values.sessions, 'sessions');
  const tables = benchTables(common.tables);
  // Enough rows that no row changes twice within a step.
  const rowsPerTable = Math.ceil(
    (Math.max(...rates) * (seconds + warmup + 2) * 1.2) / tables.length,
  );
  const ws = await openWorkspace(NAME, common.keep);
  try {
    const pg = await startSource(ws.dir, ws.registry, tables);
    await insertRows(pg, tables, 1, rowsPerTable);
    await pg.query('VACUUM ANALYZE');
    const fp = await fingerprint((await pg.query('SHOW server_version'))[0]?.[0] ?? '?');
    const cursor = new IdCursor(sessionCount, tables.length, rowsPerTable);
    const results: Measured[] = [];
    for (let run = 1; run <= common.runs; run++) {
      for (const withProcessor of [false, true]) {
        results.push(...(await measure(run, withProcessor)));
      }
    }
    await publish(
      report(common.command, fp, { seconds, warmup, sessionCount }, rates, results),
      common.record,
    );

    function measure(run: number, withProcessor: boolean): Promise<Measured[]> {
      const label = `${withProcessor ? 'whole' : 'alone'}${run}`;
      return withFreshServers(ws, pg, label, async ({ dir, sourceName, pair }) => {
        const sessions = await openSessions(pg, sessionCount);
        const observers: Observer[] = [];
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
          const loadOptions = {
            pg,
            tables,
            sessions: sessionCount,
            rowsPerStatement: 1,
            rowsPerTable,
          };
          // A first load creates the streams (the tail needs them) and warms every stage (JIT);
          // measuring starts once all of it went through.
          const warm = await offerLoad(sessions, cursor, {
            ...loadOptions,
            rate: 500,
            seconds: 5,
            record: false,
          });
          await waitFor(
            'the warm-up changes to go through',
            async () => {
              const p = await streamProgress(pair.rdiClient, pipeline.streams);
              return (withProcessor ? p.done : p.added) >= warm.changes;
            },
            { timeoutMs: 300_000, intervalMs: 200 },
          );
          const tail = await tailStreams(pair.rdi.url, pipeline.streams);
          observers.push(tail);
          const watch = withProcessor ? await watchTarget(pair.target.url) : undefined;
          if (watch !== undefined) observers.push(watch);
          const out: Measured[] = [];
          for (const rate of rates) {
            const load = formatLoad();
            tail.clear();
            watch?.clear();
            const measuredFrom = Date.now() + warmup * 1_000;
            const result = await offerLoad(sessions, cursor, {
              ...loadOptions,
              rate,
              seconds: seconds + warmup,
              record: true,
            });
            const keys = [...result.commits].filter(([, at]) => at >= measuredFrom).map(([k]) => k);
            const last = watch ?? tail;
            const until = Date.now() + 60_000;
            while (keys.some((k) => !last.times.has(k)) && Date.now() < until) await sleep(200);
            const m: Measured = {
              run,
              mode: withProcessor ? 'whole pipeline' : 'Debezium alone',
              rate,
              load,
              achieved: result.changes / result.seconds,
              changes: keys.length,
              commitToEntry: percentiles(differences(keys, result.commits, tail.times)),
              ...(watch === undefined
                ? {}
                : {
                    entryToTarget: percentiles(differences(keys, tail.times, watch.times)),
                    commitToTarget: percentiles(differences(keys, result.commits, watch.times)),
                  }),
            };
            log(
              NAME,
              `${label} ${rate}/s: achieved ${int(m.achieved)}/s; commit→entry p50 ${int(m.commitToEntry.p50)} p99 ${int(m.commitToEntry.p99)}; commit→target p50 ${int(m.commitToTarget?.p50 ?? Number.NaN)} p99 ${int(m.commitToTarget?.p99 ?? Number.NaN)} ms`,
            );
            out.push(m);
            await sleep(3_000);
          }
          return out;
        } finally {
          for (const o of observers) await o.close();
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
  shape: { seconds: number; warmup: number; sessionCount: number },
  rates: readonly number[],
  results: readonly Measured[],
): string[] {
  const cells = (p: Percentiles | undefined): string =>
    p === undefined
      ? ' | |'
      : ` ${int(p.p50)} / ${int(p.p90)} / ${int(p.p99)} / ${int(p.max)} | ${int(p.count)} |`;
  const runs = Math.max(...results.map((r) => r.run));
  const medianOf = (
    rows: readonly Measured[],
    pick: (m: Measured) => Percentiles | undefined,
  ): string => {
    const ps = rows.map(pick).filter((p): p is Percentiles => p !== undefined);
    if (ps.length === 0) return '';
    const m = (f: (p: Percentiles) => number): string => int(median(ps.map(f)));
    return `${m((p) => p.p50)} / ${m((p) => p.p90)} / ${m((p) => p.p99)} / ${m((p) => p.max)}`;
  };
  return [
    ...sectionHead('E2E latency commit → target', command, fp),
    `- One row (~1 KB) per autocommit UPDATE from ${shape.sessionCount} sessions, synchronous commit (PostgreSQL with fsync off, as the harness runs it); ${shape.seconds} s measured after ${shape.warmup} s of warm-up per rate; commit time = the row's updated_at (clock_timestamp() in the UPDATE), stream entry time = its id, target time = the target's keyspace notification reaching the benchmark. Milliseconds, p50 / p90 / p99 / max; n = changes matched`,
    '',
    '| run | mode | offered/s | achieved/s | load at start | commit → stream entry | n | stream entry → target | n | commit → target | n |',
    '|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.run} | ${r.mode} | ${int(r.rate)} | ${int(r.achieved)} | ${r.load} |${cells(r.commitToEntry)}${cells(r.entryToTarget)}${cells(r.commitToTarget)}`,
    ),
    '',
    `Medians over ${runs} runs (ms, p50 / p90 / p99 / max; target for commit → target: p50 ≤ 50, p99 ≤ 250):`,
    '',
    '| rate/s | Debezium alone: commit → entry | whole: commit → entry | whole: entry → target | whole: commit → target |',
    '|---:|---:|---:|---:|---:|',
    ...rates.map((rate) => {
      const alone = results.filter((r) => r.rate === rate && r.mode === 'Debezium alone');
      const whole = results.filter((r) => r.rate === rate && r.mode === 'whole pipeline');
      return `| ${int(rate)} | ${medianOf(alone, (r) => r.commitToEntry)} | ${medianOf(whole, (r) => r.commitToEntry)} | ${medianOf(whole, (r) => r.entryToTarget)} | ${medianOf(whole, (r) => r.commitToTarget)} |`;
    }),
    '',
  ];
}

await main();
