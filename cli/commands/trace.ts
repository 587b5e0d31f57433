// `sluice trace --count N`: captures the next change-stream entries of the pipeline (without
// consuming them) and prints, per entry, the change, the job, its output and the commands.

import type { Command } from 'commander';
import type { ApiTraceBody, ApiTraceResult } from '../../api/schemas/api-types.ts';
import { SluiceError } from '../../common/errors.ts';
import { pipelinePath, type Runtime } from '../runtime.ts';
import { quoteArg } from './jobs.ts';

/** What the text reads of a traced change event (the API types it as unknown JSON). */
interface TracedEvent {
  op?: string;
  key?: unknown;
  before?: unknown;
  after?: unknown;
}

export function registerTraceCommand(program: Command, rt: Runtime): void {
  program
    .command('trace')
    .description('capture the next change records and show what the jobs do (nothing consumed)')
    .option('-c, --count <n>', 'records to capture (1-1000)', '10')
    .option('-t, --timeout <seconds>', 'stop waiting after this long (1-120)', '20')
    .action(async (options: { count: string; timeout: string }, command: Command) => {
      const count = Number(options.count);
      const timeout = Number(options.timeout);
      if (
        !Number.isInteger(count) ||
        count < 1 ||
        count > 1000 ||
        !(timeout > 0 && timeout <= 120)
      ) {
        throw new SluiceError(
          'REQUEST_INVALID',
          '--count must be an integer from 1 to 1000 and --timeout from 1 to 120 seconds.',
        );
      }
      const client = await rt.client(command);
      if (rt.globals(command).output === 'table')
        rt.io.err(`Waiting up to ${timeout} s for ${count} change records…\n`);
      const result = await client.request<ApiTraceResult>('POST', pipelinePath(client, '/trace'), {
        count,
        timeout_ms: Math.round(timeout * 1000),
      } satisfies ApiTraceBody);
      rt.print(command, result, () => traceText(result));
    });
}

function traceText(result: ApiTraceResult): string {
  const blocks = result.entries.map((entry) => {
    const lines = [`${entry.stream} ${entry.id}  job ${entry.job}  ${entry.outcome}`];
    const event = entry.event as TracedEvent | undefined;
    if (event !== undefined) {
      lines.push(`  op ${event.op ?? '?'}  key ${JSON.stringify(event.key ?? {})}`);
      if (event.before !== null && event.before !== undefined)
        lines.push(`  before: ${JSON.stringify(event.before)}`);
      if (event.after !== null && event.after !== undefined)
        lines.push(`  after:  ${JSON.stringify(event.after)}`);
    }
    if (entry.record !== undefined) lines.push(`  output: ${JSON.stringify(entry.record)}`);
    if (entry.error !== undefined) lines.push(`  ${entry.error.code}: ${entry.error.message}`);
    for (const c of entry.commands) lines.push(`  > ${c.map(quoteArg).join(' ')}`);
    return lines.join('\n');
  });
  const summary = result.timed_out
    ? `${result.captured} of ${result.requested} records arrived before the timeout.`
    : `${result.captured} records.`;
  return [...blocks, summary].join('\n\n') + '\n';
}
