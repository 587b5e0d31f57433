// `sluice status` (alias `describe`): phase, components, backpressure, errors with what to
// do, snapshot progress and a per-stream table (status-text.ts); `--live` refreshes it until
// Ctrl-C.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { SluiceError } from '../../common/errors.ts';
import { pipelinePath, type Runtime } from '../runtime.ts';
import { statusText, type Status } from './status-text.ts';

export function registerStatusCommand(program: Command, rt: Runtime): void {
  program
    .command('status')
    .alias('describe')
    .description('show the pipeline status with per-stream statistics')
    .option('--live', 'refresh until Ctrl-C')
    .option('--interval <seconds>', 'refresh interval with --live', '2')
    .option('--iterations <n>', 'with --live, stop after n refreshes')
    .action(
      async (
        options: { live?: boolean; interval: string; iterations?: string },
        command: Command,
      ) => {
        const interval = Number(options.interval);
        const iterations = options.iterations === undefined ? Infinity : Number(options.iterations);
        if (!(interval > 0) || !(iterations > 0)) {
          throw new SluiceError(
            'REQUEST_INVALID',
            '--interval and --iterations must be positive numbers.',
          );
        }
        const client = await rt.client(command);
        for (let round = 1; ; round++) {
          const status = await client.request<Status>('GET', pipelinePath(client, '/status'));
          if (options.live === true && rt.io.interactive) rt.io.out('\x1b[2J\x1b[H');
          rt.print(command, status, () => statusText(status, rt.io.now()));
          if (options.live !== true || round >= iterations) return;
          // Ctrl-C aborts the pause and ends the command cleanly (exit code 0).
          const stopped = await sleep(interval * 1000, false, { signal: rt.io.signal }).catch(
            () => true,
          );
          if (stopped) return;
        }
      },
    );
}
