// Launches the processor (`node processor/main.ts`) for the current term: its config file,
// the RDI database, a consumer name and the term's fencing epoch. Secrets reach it through
// its environment (for `${NAME}` in config.yaml), never through its command line.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnLoggedProcess } from '../../debezium-config/launch-child-process.ts';
import type { PreparedPipeline } from './pipeline-workspace.ts';
import type { ChildHandle } from './supervised-child.ts';
import { PROCESSOR_NODE_FLAGS } from '../../processor/node-flags.ts';
import { formatShard, type StreamShard } from '../../processor/core/stream-shard.ts';

const PROCESSOR_MAIN = fileURLToPath(new URL('../../processor/main.ts', import.meta.url));

export interface ProcessorLaunch {
  readonly pipeline: PreparedPipeline;
  readonly rdiUrl: string;
  readonly consumer: string;
  readonly epoch: number;
  readonly shard: StreamShard;
  readonly stopGraceMs: number;
}

export async function launchProcessor(opts: ProcessorLaunch): Promise<ChildHandle> {
  const { pipeline } = opts;
  // A URL with a password stays out of `ps`: the processor also reads SLUICE_RDI_URL.
  const rdiHasPassword = new URL(opts.rdiUrl).password !== '';
  const { shard } = opts;
  // One of several instances: its own log, e.g. processor-2.log.
  const name = shard.count === 1 ? 'processor' : `processor-${shard.index}`;
  const child = await spawnLoggedProcess({
    name,
    command: process.execPath,
    args: [
      ...PROCESSOR_NODE_FLAGS,
      PROCESSOR_MAIN,
      ...['--config', pipeline.configFile],
      ...(rdiHasPassword ? [] : ['--rdi', opts.rdiUrl]),
      ...['--consumer', opts.consumer, '--epoch', String(opts.epoch)],
      ...(shard.count === 1 ? [] : ['--shard', formatShard(shard)]),
    ],
    logFile: join(pipeline.dir, `${name}.log`),
    cwd: pipeline.dir,
    env: { ...process.env, ...pipeline.secrets, SLUICE_RDI_URL: opts.rdiUrl },
    stopSignal: 'SIGTERM',
    stopGraceMs: opts.stopGraceMs,
  });
  return {
    pid: child.pid,
    exited: child.exited,
    ready: Promise.resolve(),
    stop: () => child.stop(),
    kill: () => child.kill(),
  };
}
