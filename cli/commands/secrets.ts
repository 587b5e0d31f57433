// `sluice set-secret`, `list-secrets`, `delete-secret`. The value comes from a file, from
// standard input or from a hidden prompt; giving it on the command line works (as in RDI)
// but leaves it in the shell history.

import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { ApiSecretBody, ApiSecretList } from '../../api/schemas/api-types.ts';
import { SluiceError } from '../../common/errors.ts';
import { renderTable } from '../output.ts';
import type { Runtime } from '../runtime.ts';

export function registerSecretCommands(program: Command, rt: Runtime): void {
  program
    .command('set-secret <name> [value]')
    .description(
      'set a secret referenced as ${NAME} in config.yaml (value: argument, --from-file, stdin or prompt)',
    )
    .option('--from-file <path>', 'read the value from a file (a trailing newline is dropped)')
    .action(
      async (
        name: string,
        value: string | undefined,
        options: { fromFile?: string },
        command: Command,
      ) => {
        const secret = await secretValue(rt, name, value, options.fromFile);
        const client = await rt.client(command);
        await client.request<unknown>('PUT', `/api/v2/secrets/${encodeURIComponent(name)}`, {
          value: secret,
        } satisfies ApiSecretBody);
        rt.io.out(`Secret ${name} set.\n`);
      },
    );

  program
    .command('list-secrets')
    .description('list secret names (values are never shown)')
    .action(async (_options: unknown, command: Command) => {
      const client = await rt.client(command);
      const { secrets } = await client.request<ApiSecretList>('GET', '/api/v2/secrets');
      rt.print(command, secrets, () =>
        renderTable(secrets, [{ header: 'NAME', value: (s) => s.name }]),
      );
    });

  program
    .command('delete-secret <name>')
    .description('delete a secret')
    .action(async (name: string, _options: unknown, command: Command) => {
      const client = await rt.client(command);
      await client.request<null>('DELETE', `/api/v2/secrets/${encodeURIComponent(name)}`);
      rt.io.out(`Secret ${name} deleted.\n`);
    });
}

async function secretValue(
  rt: Runtime,
  name: string,
  value: string | undefined,
  file: string | undefined,
): Promise<string> {
  if (value !== undefined && file !== undefined) {
    throw new SluiceError('REQUEST_INVALID', 'Give the value or --from-file, not both.');
  }
  if (value !== undefined) return value;
  if (file !== undefined) return (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
  if (rt.io.interactive) return rt.io.prompt(`Value of ${name}: `, true);
  return (await rt.io.readStdin()).replace(/\r?\n$/, '');
}
