// `sluice start`, `stop` and `reset`: ask the operator to change the pipeline's state. Reset
// drops offsets, streams and checkpoints and snapshots again, so it asks for confirmation.

import type { Command } from 'commander';
import type { ApiControlResult, ApiResetBody } from '../../api/schemas/api-types.ts';
import { SluiceError } from '../../common/errors.ts';
import { pipelinePath, type Runtime } from '../runtime.ts';

export function registerControlCommands(program: Command, rt: Runtime): void {
  for (const action of ['start', 'stop'] as const) {
    program
      .command(action)
      .description(`${action} the pipeline`)
      .action(async (_options: unknown, command: Command) => {
        const client = await rt.client(command);
        const result = await client.request<ApiControlResult>(
          'POST',
          pipelinePath(client, `/${action}`),
        );
        rt.print(
          command,
          result,
          () => `Asked the operator to ${action} pipeline '${client.pipeline}'.\n`,
        );
      });
  }

  program
    .command('reset')
    .description('reset the pipeline: drop offsets, streams and checkpoints, then snapshot again')
    .option('-y, --yes', 'do not ask for confirmation')
    .option(
      '--drop-target-keys',
      "also delete the target keys of the pipeline's tables before the new snapshot",
    )
    .action(async (options: { yes?: boolean; dropTargetKeys?: boolean }, command: Command) => {
      const client = await rt.client(command);
      if (options.yes !== true) {
        if (!rt.io.interactive) {
          throw new SluiceError('REQUEST_INVALID', 'Reset re-reads every table from the source.', {
            hint: 'confirm with --yes',
          });
        }
        const answer = await rt.io.prompt(
          `Reset pipeline '${client.pipeline}' and snapshot again? [y/N] `,
          false,
        );
        if (!/^y(es)?$/i.test(answer.trim())) {
          rt.io.out('Not reset.\n');
          return;
        }
      }
      const dropTargetKeys = options.dropTargetKeys === true;
      const result = await client.request<ApiControlResult>(
        'POST',
        pipelinePath(client, '/reset'),
        { drop_target_keys: dropTargetKeys } satisfies ApiResetBody,
      );
      rt.print(
        command,
        result,
        () =>
          `Asked the operator to reset pipeline '${client.pipeline}'${dropTargetKeys ? ' and delete its target keys' : ''}.\n`,
      );
    });
}
