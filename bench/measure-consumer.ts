// Times one consumer process over the preloaded streams: from its spawn until the target's
// checkpoint hash holds the last id of every stream (polled every 20 ms), then reads its peak
// RSS (VmHWM) and CPU time before it is stopped. The same measurement serves the processor and the reference.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { CHECKPOINT_KEY } from '../pipeline/redis-keys.ts';

export interface ConsumerRun {
  /** Seconds from spawn until every stream's checkpoint reached its last id. */
  readonly seconds: number;
  /** Seconds from spawn until the first checkpoint appeared (start-up plus one batch). */
  readonly firstCheckpointSeconds: number;
  readonly recordsPerSecond: number;
  /** Peak resident set size in MB. */
  readonly peakRssMb: number;
  /** Records per CPU-second of the process (user + system): steadier than wall time on a busy machine. */
  readonly recordsPerCpuSecond: number;
  /**
   * CPU microseconds per record spent by the Redis servers over the run (`INFO cpu`, user +
   * system, all threads): what the consumer makes the RDI database and the target do.
   */
  readonly serverMicrosPerRecord?: { readonly rdi: number; readonly target: number };
}

export interface Spawned {
  readonly pid: number | undefined;
  readonly logFile: string;
  /** Every process of a consumer run as several (processors.instances): CPU and RSS are summed. */
  readonly pids?: readonly number[];
}

const POLL_MS = 20;

export async function measureConsumer(opts: {
  readonly target: Redis;
  readonly lastIds: ReadonlyMap<string, string>;
  readonly records: number;
  readonly spawn: () => Promise<Spawned>;
  readonly timeoutMs?: number;
  /** The RDI database's client, to read its CPU time (the target's is `target`). */
  readonly rdi?: Redis;
}): Promise<ConsumerRun> {
  const streams = [...opts.lastIds.keys()];
  const serversBefore = await serverCpu(opts.rdi, opts.target);
  const wanted = streams.map((s) => opts.lastIds.get(s));
  const started = performance.now();
  const spawned = opts.spawn();
  let first: number | undefined;
  const deadline = started + (opts.timeoutMs ?? 300_000);
  for (;;) {
    const ids = await opts.target.hmget(CHECKPOINT_KEY, ...streams);
    const now = performance.now();
    if (first === undefined && ids.some((id) => id !== null)) first = now;
    if (ids.every((id, i) => id === wanted[i])) break;
    if (now > deadline) {
      const { logFile } = await spawned;
      throw new Error(
        `consumer did not finish in time (checkpoints ${ids.join()}); see ${logFile}`,
      );
    }
    await sleep(POLL_MS);
  }
  const seconds = (performance.now() - started) / 1_000;
  const serversAfter = await serverCpu(opts.rdi, opts.target);
  const { pid, pids: several } = await spawned;
  const pids = several ?? (pid === undefined ? [] : [pid]);
  const sum = async (read: (pid: number) => Promise<number>): Promise<number> =>
    (await Promise.all(pids.map(read))).reduce((a, b) => a + b, 0);
  return {
    seconds,
    firstCheckpointSeconds: ((first ?? started) - started) / 1_000,
    recordsPerSecond: opts.records / seconds,
    peakRssMb: pids.length === 0 ? Number.NaN : await sum(peakRssMb),
    recordsPerCpuSecond: pids.length === 0 ? Number.NaN : opts.records / (await sum(cpuSeconds)),
    ...(serversBefore === undefined || serversAfter === undefined
      ? {}
      : {
          serverMicrosPerRecord: {
            rdi: ((serversAfter.rdi - serversBefore.rdi) * 1e6) / opts.records,
            target: ((serversAfter.target - serversBefore.target) * 1e6) / opts.records,
          },
        }),
  };
}

async function serverCpu(
  rdi: Redis | undefined,
  target: Redis,
): Promise<{ rdi: number; target: number } | undefined> {
  if (rdi === undefined) return undefined;
  return { rdi: await redisCpuSeconds(rdi), target: await redisCpuSeconds(target) };
}

/** used_cpu_user + used_cpu_sys of a Redis server (all its threads), in seconds. */
export async function redisCpuSeconds(client: Redis): Promise<number> {
  const info = await client.info('cpu');
  const field = (name: string): number =>
    Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1]);
  return field('used_cpu_user') + field('used_cpu_sys');
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** utime + stime of a live process (fields 14 and 15 of /proc/<pid>/stat), in seconds. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces: 3 = state.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** VmHWM of a live process, in MB. */
async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(kb) / 1_024;
}
