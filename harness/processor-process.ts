// Runs the real processor (`node processor/main.ts`) as a child process of a test or of the
// demo, with its log in a file; ready once it reports that it started. Fault tests kill -9 it
// and restart it on the same pipeline.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROCESSOR_NODE_FLAGS } from '../processor/node-flags.ts';
import type { ProcessRegistry } from './process-registry.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';

const PROCESSOR_MAIN = join(import.meta.dirname, '..', 'processor', 'main.ts');

export interface ProcessorProcessOptions {
  readonly dir: string;
  readonly registry: ProcessRegistry;
  /** Path of the pipeline's config.yaml. */
  readonly configFile: string;
  /** `redis://host:port` of the RDI database. */
  readonly rdiUrl: string;
  /** Environment for `${NAME}` references in config.yaml (merged over this process's). */
  readonly env?: Readonly<Record<string, string>>;
  readonly consumer?: string;
  readonly epoch?: number;
  /** `i/n`: instance i of n on its share of the streams, with its own log (processor-<i>.log). */
  readonly shard?: string;
}

export async function startProcessorProcess(opts: ProcessorProcessOptions): Promise<ServerProcess> {
  const instance = opts.shard?.split('/')[0];
  const logFile = join(
    opts.dir,
    instance === undefined ? 'processor.log' : `processor-${instance}.log`,
  );
  // Restarts append to the same log: each start is ready when one more start is reported.
  let startsSeen = await countStarts(logFile);
  return startServerProcess({
    registry: opts.registry,
    spawn: {
      name: 'processor',
      command: process.execPath,
      args: [
        ...PROCESSOR_NODE_FLAGS,
        PROCESSOR_MAIN,
        ...['--config', opts.configFile, '--rdi', opts.rdiUrl],
        ...['--consumer', opts.consumer ?? 'processor-1', '--epoch', String(opts.epoch ?? 0)],
        ...(opts.shard === undefined ? [] : ['--shard', opts.shard]),
      ],
      logFile,
      env: { ...process.env, ...opts.env },
      stopSignal: 'SIGTERM',
    },
    isReady: async () => {
      const starts = await countStarts(logFile);
      if (starts <= startsSeen) return false;
      startsSeen = starts;
      return true;
    },
  });
}

async function countStarts(logFile: string): Promise<number> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  return text.split('"message":"Processor started."').length - 1;
}
