// Catch-up: a backlog of N changes (default 1,000,000 inserts of ~1 KB rows over the tables),
// captured once by Debezium alone and saved as the RDI database's dump.rdb, is processed by the
// processor alone; per run a fresh RDI database loads a copy of that dump (no AOF, so disk
// writes stay out of the timing) beside a fresh target, and the processor is timed from its
// spawn until its checkpoint holds the last entry of every stream (bench/measure-consumer.ts).
//   bench/e2e.sh catch-up [--changes 1000000] [--runs 3] [--tables 4] [--processor k=v]
import { link, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startRedis } from '../../harness/redis.ts';
import { median } from '../bench-report.ts';
import { measureConsumer, type ConsumerRun } from '../measure-consumer.ts';
import { captureInserts } from './capture.ts';
import { numberList, openWorkspace, parseOptions } from './options.ts';
import { fingerprint, formatLoad, int, log, publish, sectionHead } from './report.ts';
import { benchTables, closePair, startProcessor, startRedisPair, startSource } from './stack.ts';
import { lastIds, meanEntryBytes } from './stream-progress.ts';

const NAME = 'catch-up';

async function main(): Promise<void> {
  const { common, values } = parseOptions(NAME, {
    changes: { type: 'string', default: '1000000' },
  });
  const [changes = 0] = numberList(values.changes, 'changes');
  const tables = benchTables(common.tables);
  const perTable = Math.ceil(changes / tables.length);
  const ws = await openWorkspace(NAME, common.keep);
  try {
    const pg = await startSource(ws.dir, ws.registry, tables);
    const fp = await fingerprint((await pg.query('SHOW server_version'))[0]?.[0] ?? '?');
    const captureDir = join(ws.dir, 'capture');
    const mark = ws.registry.size;
    const pair = await startRedisPair(captureDir, ws.registry);
    let backlog: { ids: Map<string, string>; total: number; entryBytes: number; usedMb: number };
    let pipeline;
    try {
      const captured = await captureInserts({
        dir: captureDir,
        registry: ws.registry,
        pg,
        pair,
        sourceName: 'bench',
        tables,
        from: 1,
        to: perTable,
        overrides: common.overrides,
      });
      pipeline = captured.pipeline;
      backlog = {
        ids: await lastIds(pair.rdiClient, pipeline.streams),
        total: captured.changes,
        entryBytes: await meanEntryBytes(pair.rdiClient, pipeline.streams),
        usedMb: captured.usedAfter / 1024 ** 2,
      };
      log(
        NAME,
        `${int(captured.changes)} changes captured in ${captured.seconds.toFixed(0)} s; saving`,
      );
      await pair.rdiClient.save();
    } finally {
      await closePair(pair);
      await ws.registry.stopFrom(mark);
    }
    const runs: { load: string; run: ConsumerRun }[] = [];
    for (let i = 1; i <= common.runs; i++) {
      const load = formatLoad();
      const dir = join(ws.dir, `run${i}`);
      const runMark = ws.registry.size;
      await mkdir(join(dir, 'rdi-redis'), { recursive: true });
      await link(join(captureDir, 'rdi-redis', 'dump.rdb'), join(dir, 'rdi-redis', 'dump.rdb'));
      try {
        const [rdi, target] = await Promise.all([
          startRedis({ dir: join(dir, 'rdi-redis'), registry: ws.registry, maxmemory: '12gb' }),
          startRedis({ dir: join(dir, 'target-redis'), registry: ws.registry }),
        ]);
        const targetClient = new Redis(target.url);
        try {
          const runPipeline = {
            ...pipeline,
            processorEnv: { ...pipeline.processorEnv, TARGET_DB_PORT: String(target.port) },
          };
          const run = await measureConsumer({
            target: targetClient,
            lastIds: backlog.ids,
            records: backlog.total,
            spawn: () => startProcessor(runPipeline, dir, ws.registry, rdi.url),
            timeoutMs: 3_600_000,
          });
          log(NAME, `run ${i}: ${int(run.recordsPerSecond)} records/s`);
          runs.push({ load, run });
        } finally {
          await targetClient.quit();
        }
      } finally {
        await ws.registry.stopFrom(runMark);
      }
    }
    const m = (pick: (r: ConsumerRun) => number): number => median(runs.map((r) => pick(r.run)));
    await publish(
      [
        ...sectionHead(
          `E2E catch-up of ${int(backlog.total)} buffered changes`,
          common.command,
          fp,
        ),
        `- Inserts of rows of ~1 KB over ${tables.length} tables captured by Debezium alone (mean entry ${int(backlog.entryBytes)} bytes, RDI used_memory ${int(backlog.usedMb)} MB), then processed by the processor alone, timed from its spawn until its checkpoint reached the last entry of every stream`,
        '',
        '| run | load at start | seconds | records/s | records per CPU-s | first checkpoint s | peak RSS MB |',
        '|---:|---|---:|---:|---:|---:|---:|',
        ...runs.map(
          ({ load, run }, i) =>
            `| ${i + 1} | ${load} | ${run.seconds.toFixed(1)} | ${int(run.recordsPerSecond)} | ${int(run.recordsPerCpuSecond)} | ${run.firstCheckpointSeconds.toFixed(1)} | ${int(run.peakRssMb)} |`,
        ),
        '',
        `Median of ${runs.length} runs: **${int(m((r) => r.recordsPerSecond))} records/s** (${int(m((r) => r.recordsPerCpuSecond))} per CPU-second, peak RSS ${int(m((r) => r.peakRssMb))} MB).`,
        '',
      ],
      common.record,
    );
  } finally {
    await ws.close();
  }
}

await main();
