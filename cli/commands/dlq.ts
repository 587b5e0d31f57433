// Dead-letter commands: `list-dlqs`, `list-dlq-records <table>` (alias `get-rejected`) and
// `dlq replay <table> --id … | --all`, which sends records back through the pipeline.

import type { Command } from 'commander';
import type {
  ApiDlqList,
  ApiDlqRecords,
  ApiReplayBody,
  ApiReplayResult,
} from '../../api/schemas/api-types.ts';
import { SluiceError } from '../../common/errors.ts';
import { formatTime, renderTable } from '../output.ts';
import { pipelinePath, type Runtime } from '../runtime.ts';

function tablePath(table: string, suffix: string): string {
  return `/dlqs/${encodeURIComponent(table)}${suffix}`;
}

export function registerDlqCommands(program: Command, rt: Runtime): void {
  program
    .command('list-dlqs')
    .description('list the tables with rejected records')
    .action(async (_options: unknown, command: Command) => {
      const client = await rt.client(command);
      const { dlqs } = await client.request<ApiDlqList>('GET', pipelinePath(client, '/dlqs'));
      rt.print(command, dlqs, () =>
        dlqs.length === 0
          ? 'No rejected records.\n'
          : renderTable(dlqs, [
              { header: 'TABLE', value: (d) => d.table },
              { header: 'RECORDS', value: (d) => d.count },
            ]),
      );
    });

  program
    .command('list-dlq-records <table>')
    .alias('get-rejected')
    .description('list rejected records of a table (<source>.<schema>.<table>)')
    .option('--limit <n>', 'records per page', '20')
    .option('--offset <n>', 'records to skip', '0')
    .option('--sort-order <order>', 'desc (newest first) or asc', 'desc')
    .action(
      async (
        table: string,
        options: { limit: string; offset: string; sortOrder: string },
        command: Command,
      ) => {
        const client = await rt.client(command);
        const query = new URLSearchParams({
          limit: options.limit,
          offset: options.offset,
          sort_order: options.sortOrder,
        });
        const page = await client.request<ApiDlqRecords>(
          'GET',
          pipelinePath(client, tablePath(table, `/records?${query.toString()}`)),
        );
        rt.print(
          command,
          page,
          () =>
            renderTable(page.records, [
              { header: 'ID', value: (r) => r.id },
              { header: 'TIME', value: (r) => formatTime(r.time) },
              { header: 'CODE', value: (r) => r.error_code },
              { header: 'REASON', value: (r) => r.reason },
              { header: 'KEY', value: (r) => r.key },
            ]) + `${page.records.length} of ${page.total} records\n`,
        );
      },
    );

  const dlq = program.command('dlq').description('act on dead-letter queues');
  dlq
    .command('replay <table>')
    .description('send rejected records back through the pipeline (after fixing the cause)')
    .option('--id <id...>', 'DLQ ids of the records to replay')
    .option('--all', 'replay the oldest 1000 records')
    .action(async (table: string, options: { id?: string[]; all?: boolean }, command: Command) => {
      if ((options.id === undefined) === (options.all !== true)) {
        throw new SluiceError('REQUEST_INVALID', 'Give either --id <id...> or --all.');
      }
      const client = await rt.client(command);
      const body: ApiReplayBody = options.all === true ? { all: true } : { ids: options.id ?? [] };
      const result = await client.request<ApiReplayResult>(
        'POST',
        pipelinePath(client, tablePath(table, '/replay')),
        body,
      );
      rt.print(
        command,
        result,
        () =>
          `Replayed ${result.replayed} records${result.missing > 0 ? ` (${result.missing} ids were not in the DLQ)` : ''}; ` +
          `${result.remaining} remain.\n`,
      );
    });
}
