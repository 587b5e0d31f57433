// Per run, on fresh Redis servers preloaded with the captured entries: times the processor
// process, the reference consumer and redis-benchmark's raw HSET; prints Markdown with medians
// and ratios. `--profile` adds one processor run under `node --cpu-prof`, summarized.
//   node bench/run-processor-bench.ts [--runs 5] [--profile] [--instances 2]
// `--instances N` runs the processor as N processes on disjoint streams (processors.instances).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Redis } from 'ioredis';
import { pipelineConfigText } from '../harness/pipeline.ts';
import { ProcessRegistry } from '../harness/process-registry.ts';
import { startProcessorProcess } from '../harness/processor-process.ts';
import { startRedis } from '../harness/redis.ts';
import { startServerProcess } from '../harness/server-process.ts';
import { benchCacheDir, entriesFile } from './bench-paths.ts';
import { benchReport, type BenchRun, type Environment } from './bench-report.ts';
import { jsonataJobYaml } from './jsonata-job.ts';
import { BENCH_TABLES } from './bench-tables.ts';
import { codeFingerprint } from './code-fingerprint.ts';
import { startBenchServers } from './bench-servers.ts';
import { readEntries, type CapturedEntry } from './entries-file.ts';
import { summarizeEntries } from './entries-summary.ts';
import { measureConsumer, type ConsumerRun } from './measure-consumer.ts';
import { preloadEntries } from './preload.ts';
import { rawHsetLimit, type HashShape } from './raw-redis-limit.ts';
import { summarizeProfile } from './summarize-profile.ts';

const REFERENCE = join(import.meta.dirname, 'reference-consumer.ts');
const log = (message: string): void => {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
};

interface Measured {
  readonly run: ConsumerRun;
  /** Keys in the target other than Sluice's own (sluice:*). */
  readonly dataKeys: number;
}

type Consumer = 'processor' | 'reference';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      profile: { type: 'boolean', default: false },
      // Also time the processor running a job of three JSONata steps per table (issue 4).
      jobs: { type: 'boolean', default: false },
      instances: { type: 'string', default: '1' },
    },
  });
  const runCount = Number(values.runs);
  const instances = Number(values.instances);
  const entries = await readEntries(entriesFile()).catch((error: unknown) => {
    throw new Error(`${String(error)}\nCapture the entries first: node bench/capture-entries.ts`);
  });
  const summary = summarizeEntries(entries);
  log(`${entries.length} entries loaded; ${runCount} runs`);
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-'));
  await chmod(dir, 0o755);
  // On Ctrl-C, exit: the registries' exit hook then kills every server this run started.
  process.once('exit', () => {
    rmSync(dir, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => process.exit(130));
  const codeBefore = await codeFingerprint();
  const runs: BenchRun[] = [];
  const jobRates: number[] = [];
  const defaultRates: number[] = [];
  try {
    for (let i = 1; i <= runCount; i++) {
      const loadBefore = loadavg()[0] ?? 0;
      const processor = await measureOnce(
        join(dir, `run-${i}-processor`),
        'processor',
        entries,
        undefined,
        false,
        instances,
      );
      const reference = await measureOnce(join(dir, `run-${i}-reference`), 'reference', entries);
      const rawHsetPerSecond = await measureRaw(join(dir, `run-${i}-raw`), summary.hash);
      if (values.jobs) {
        const withJobs = await measureOnce(
          join(dir, `run-${i}-jobs`),
          'processor',
          entries,
          undefined,
          true,
        );
        jobRates.push(withJobs.run.recordsPerSecond);
        defaultRates.push(processor.run.recordsPerSecond);
        log(
          `run ${i}: processor with 3-step JSONata jobs ${Math.round(withJobs.run.recordsPerSecond)}/s`,
        );
      }
      log(
        `run ${i}: processor ${Math.round(processor.run.recordsPerSecond)}/s, reference ` +
          `${Math.round(reference.run.recordsPerSecond)}/s, raw HSET ${Math.round(rawHsetPerSecond)}/s`,
      );
      runs.push({
        processor: processor.run,
        reference: reference.run,
        rawHsetPerSecond,
        processorKeys: processor.dataKeys,
        referenceKeys: reference.dataKeys,
        loadBefore,
      });
    }
    const codeAfter = await codeFingerprint();
    const code =
      codeBefore === codeAfter
        ? codeBefore
        : `${codeBefore} → ${codeAfter} (**the processor changed during the runs**)`;
    const sections = [
      benchReport(environment(runCount, values.profile, code, instances), summary, runs),
    ];
    if (values.jobs) sections.push(jobsReport(defaultRates, jobRates));
    if (values.profile) sections.push(await profiledRun(join(dir, 'profile'), entries));
    console.log(sections.join('\n'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Fresh RDI database and target, preload, then time one consumer process to the end. */
async function measureOnce(
  dir: string,
  consumer: Consumer,
  entries: readonly CapturedEntry[],
  nodeOptions?: string,
  withJobs = false,
  instances = 1,
): Promise<Measured> {
  const registry = new ProcessRegistry();
  try {
    const servers = await startBenchServers(dir, registry);
    try {
      const lastIds = await preloadEntries(servers.rdiClient, entries);
      const spawn =
        consumer === 'processor'
          ? async () => {
              const configFile = join(dir, 'config.yaml');
              await writeFile(configFile, processorConfig());
              if (withJobs) await writeJsonataJobs(join(dir, 'jobs'));
              const start = (shard?: string): ReturnType<typeof startProcessorProcess> =>
                startProcessorProcess({
                  dir,
                  registry,
                  configFile,
                  rdiUrl: servers.rdi.url,
                  ...(shard === undefined
                    ? {}
                    : { shard, consumer: `processor-${shard.split('/')[0]}` }),
                  env: {
                    SOURCE_DB_HOST: '127.0.0.1',
                    SOURCE_DB_PORT: '1', // never connected to: the processor reads only Redis
                    SOURCE_DB_USERNAME: 'bench',
                    SOURCE_DB_PASSWORD: 'bench',
                    TARGET_DB_HOST: servers.target.host,
                    TARGET_DB_PORT: String(servers.target.port),
                    ...(nodeOptions === undefined ? {} : { NODE_OPTIONS: nodeOptions }),
                  },
                });
              if (instances === 1) return start();
              const started = await Promise.all(
                Array.from({ length: instances }, (_, i) => start(`${i + 1}/${instances}`)),
              );
              const [first] = started;
              if (first === undefined) throw new Error('--instances must be at least 1');
              const pids = started.flatMap((p) => (p.pid === undefined ? [] : [p.pid]));
              return { pid: first.pid, logFile: first.logFile, pids };
            }
          : () =>
              startServerProcess({
                registry,
                spawn: {
                  name: 'reference-consumer',
                  command: process.execPath,
                  args: [REFERENCE, '--rdi', servers.rdi.url, '--target', servers.target.url],
                  logFile: join(dir, 'reference.log'),
                  stopSignal: 'SIGTERM',
                },
                isReady: () => Promise.resolve(true),
              });
      const run = await measureConsumer({
        target: servers.targetClient,
        rdi: servers.rdiClient,
        lastIds,
        records: entries.length,
        spawn,
      });
      return { run, dataKeys: await dataKeys(servers.targetClient) };
    } finally {
      await servers.close();
    }
  } finally {
    await registry.stopAll();
  }
}

async function writeJsonataJobs(jobsDir: string): Promise<void> {
  await mkdir(jobsDir, { recursive: true });
  for (const table of BENCH_TABLES) {
    await writeFile(join(jobsDir, `${table.name}.yaml`), jsonataJobYaml(table.name));
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function jobsReport(defaultRates: readonly number[], jobRates: readonly number[]): string {
  const d = median(defaultRates);
  const j = median(jobRates);
  const ratio = d > 0 ? j / d : 0;
  const perRun = jobRates.map((rate, i) => rate / (defaultRates[i] ?? Number.NaN));
  const lowest = Math.min(...perRun);
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  return [
    '#### Processor with a three-step JSONata job per table (issue 4, item 8)',
    '',
    '| measure | median | target | verdict |',
    '|---|---:|---:|---|',
    `| default job records/s | ${fmt(d)} | | |`,
    `| JSONata job (add_field, filter, map) records/s | ${fmt(j)} | | |`,
    `| JSONata job / default job | ${(ratio * 100).toFixed(0)} % | ≥ 75 % | ${ratio >= 0.75 ? 'met' : '**missed**'} |`,
    `| lowest run (JSONata / default of the same run) | ${(lowest * 100).toFixed(0)} % | ≥ 75 % in every run | ${lowest >= 0.75 ? 'met' : '**missed**'} |`,
    '',
    `Per run: ${perRun.map((r, i) => `run ${i + 1} ${(r * 100).toFixed(0)} %`).join(', ')}.`,
    '',
  ].join('\n');
}

function processorConfig(): string {
  return pipelineConfigText('postgresql', {
    sourceName: 'bench',
    database: 'bench',
    tables: BENCH_TABLES.map((t) => t.name),
  });
}

async function dataKeys(target: Redis): Promise<number> {
  const sluiceKeys = await target.keys('sluice:*');
  return (await target.dbsize()) - sluiceKeys.length;
}

async function measureRaw(dir: string, shape: HashShape): Promise<number> {
  const registry = new ProcessRegistry();
  try {
    const target = await startRedis({ dir, registry });
    return await rawHsetLimit(target.port, shape);
  } finally {
    await registry.stopAll();
  }
}

/** One processor run under --cpu-prof; the profile is kept in the cache and summarized. */
async function profiledRun(dir: string, entries: readonly CapturedEntry[]): Promise<string> {
  const profileDir = join(dir, 'cpu-profile');
  await mkdir(profileDir, { recursive: true });
  log('profiled processor run');
  const { run } = await measureOnce(
    dir,
    'processor',
    entries,
    `--cpu-prof --cpu-prof-dir=${profileDir}`,
  );
  const [file] = (await readdir(profileDir)).filter((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error('the processor wrote no .cpuprofile');
  const kept = join(benchCacheDir(), 'processor-latest.cpuprofile');
  await copyFile(join(profileDir, file), kept);
  return [
    `#### Processor CPU profile (one run under --cpu-prof: ${Math.round(run.recordsPerSecond).toLocaleString('en-US')} records/s)`,
    '',
    `Top 15 functions by self time, from \`${kept}\` (\`node bench/summarize-profile.ts <file>\`):`,
    '',
    await summarizeProfile(join(profileDir, file), 15),
    '',
  ].join('\n');
}

function environment(runs: number, profile: boolean, code: string, instances: number): Environment {
  return {
    code,
    command: `bench/run.sh ${runs}${profile ? ' --profile' : ''}${instances === 1 ? '' : ` --instances ${instances}`}`,
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: totalmem() / 1024 ** 3,
    node: process.version,
    redis:
      execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).trim().split(' sha=')[0] ??
      '',
  };
}

await main();
