// RDI database memory per buffered change: Debezium alone captures N inserts of ~1 KB rows
// (default 100,000, spread over the tables) that nothing processes; the change of used_memory
// divided by N, beside the mean entry size (field names and values of 1,000 entries).
//   bench/e2e.sh memory [--changes 100000] [--runs 3] [--tables 4] [--set k=v]
import { join } from 'node:path';
import { median } from '../bench-report.ts';
import { captureInserts } from './capture.ts';
import { numberList, openWorkspace, parseOptions } from './options.ts';
import { fingerprint, formatLoad, int, log, publish, sectionHead } from './report.ts';
import { benchTables, closePair, startRedisPair, startSource } from './stack.ts';
import { meanEntryBytes } from './stream-progress.ts';

const NAME = 'memory';

interface Run {
  readonly load: string;
  readonly changes: number;
  readonly deltaMb: number;
  readonly bytesPerChange: number;
  readonly meanEntryBytes: number;
  readonly captureRate: number;
}

async function main(): Promise<void> {
  const { common, values } = parseOptions(NAME, {
    changes: { type: 'string', default: '100000' },
  });
  const [changes = 0] = numberList(values.changes, 'changes');
  const tables = benchTables(common.tables);
  const perTable = Math.ceil(changes / tables.length);
  const ws = await openWorkspace(NAME, common.keep);
  try {
    const pg = await startSource(ws.dir, ws.registry, tables);
    const fp = await fingerprint((await pg.query('SHOW server_version'))[0]?.[0] ?? '?');
    const runs: Run[] = [];
    for (let i = 1; i <= common.runs; i++) {
      const load = formatLoad();
      const dir = join(ws.dir, `run${i}`);
      const mark = ws.registry.size;
      const pair = await startRedisPair(dir, ws.registry);
      try {
        const captured = await captureInserts({
          dir,
          registry: ws.registry,
          pg,
          pair,
          sourceName: `bench_memory${i}`,
          tables,
          from: (i - 1) * perTable + 1,
          to: i * perTable,
          overrides: common.overrides,
        });
        const delta = captured.usedAfter - captured.usedBefore;
        const run: Run = {
          load,
          changes: captured.changes,
          deltaMb: delta / 1024 ** 2,
          bytesPerChange: delta / captured.changes,
          meanEntryBytes: await meanEntryBytes(pair.rdiClient, captured.pipeline.streams),
          captureRate: captured.changes / captured.seconds,
        };
        log(NAME, `run ${i}: ${int(run.bytesPerChange)} bytes per change (${int(run.deltaMb)} MB)`);
        runs.push(run);
      } finally {
        await closePair(pair);
        await ws.registry.stopFrom(mark);
      }
    }
    const perChange = median(runs.map((r) => r.bytesPerChange));
    const total = median(runs.map((r) => r.deltaMb));
    await publish(
      [
        ...sectionHead(`E2E RDI database memory per buffered change`, common.command, fp),
        `- Inserts of rows of ~1 KB (10 columns) over ${tables.length} tables, captured by Debezium alone (streaming) into the RDI database and not processed; used_memory after the capture minus used_memory once Debezium was streaming`,
        '',
        '| run | load at start | changes | used_memory delta MB | bytes per change | mean entry bytes (fields) | capture rate/s |',
        '|---:|---|---:|---:|---:|---:|---:|',
        ...runs.map(
          (r, i) =>
            `| ${i + 1} | ${r.load} | ${int(r.changes)} | ${int(r.deltaMb)} | ${int(r.bytesPerChange)} | ${int(r.meanEntryBytes)} | ${int(r.captureRate)} |`,
        ),
        '',
        `Median of ${runs.length} runs: **${int(perChange)} bytes per buffered change**, ${int(total)} MB for ${int(perTable * tables.length)} changes (target for 100,000 changes: ≤ 160 MB).`,
        '',
      ],
      common.record,
    );
  } finally {
    await ws.close();
  }
}

await main();
