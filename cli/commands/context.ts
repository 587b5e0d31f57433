// `sluice context add|use|list|delete`, `login` and `logout`: where the API is and who logs
// in. Passwords are asked for (or taken from SLUICE_PASSWORD) and never written down.

import type { Command } from 'commander';
import { SluiceError } from '../../common/errors.ts';
import { readContexts, resolveTarget, writeContexts } from '../contexts.ts';
import { renderTable } from '../output.ts';
import type { Runtime } from '../runtime.ts';
import { ApiClient } from '../api-client.ts';

export function registerContextCommands(program: Command, rt: Runtime): void {
  const context = program.command('context').description('manage API contexts (URL and user name)');

  context
    .command('add <name> <url> <username>')
    .description('add or change a context (API base URL, RDI database user) and make it current')
    .option('--default-pipeline <name>', 'pipeline the commands act on', 'default')
    .action(
      async (
        name: string,
        apiUrl: string,
        username: string,
        options: { defaultPipeline: string },
      ) => {
        const url = URL.canParse(apiUrl) ? new URL(apiUrl) : undefined;
        if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
          throw new SluiceError('CONFIG_INVALID', 'The URL must start with http:// or https://.', {
            path: 'url',
          });
        }
        const file = await readContexts(rt.io);
        const context = { url: url.origin, username, pipeline: options.defaultPipeline };
        await writeContexts(rt.io, {
          current: name,
          contexts: { ...file.contexts, [name]: context },
        });
        rt.io.out(`Context '${name}' saved and selected.\n`);
      },
    );

  context
    .command('use <name>')
    .description('select the current context')
    .action(async (name: string) => {
      const file = await readContexts(rt.io);
      if (file.contexts[name] === undefined) {
        throw new SluiceError('FILE_NOT_FOUND', `There is no context named '${name}'.`);
      }
      await writeContexts(rt.io, { ...file, current: name });
      rt.io.out(`Using context '${name}'.\n`);
    });

  context
    .command('list')
    .description('list contexts')
    .action(async (_options: unknown, command: Command) => {
      const file = await readContexts(rt.io);
      const rows = Object.entries(file.contexts).map(([name, c]) => ({
        name,
        current: name === file.current,
        ...c,
      }));
      rt.print(command, rows, () =>
        renderTable(rows, [
          { header: '', value: (r) => (r.current ? '*' : '') },
          { header: 'NAME', value: (r) => r.name },
          { header: 'URL', value: (r) => r.url },
          { header: 'USER', value: (r) => r.username },
          { header: 'PIPELINE', value: (r) => r.pipeline ?? 'default' },
        ]),
      );
    });

  context
    .command('delete <name>')
    .description('delete a context')
    .action(async (name: string) => {
      const file = await readContexts(rt.io);
      if (file.contexts[name] === undefined) {
        throw new SluiceError('FILE_NOT_FOUND', `There is no context named '${name}'.`);
      }
      const contexts = Object.fromEntries(
        Object.entries(file.contexts).filter(([key]) => key !== name),
      );
      await writeContexts(rt.io, {
        ...(file.current === name ? {} : { current: file.current }),
        contexts,
      });
      rt.io.out(`Context '${name}' deleted.\n`);
    });

  program
    .command('login')
    .description('log in (password from SLUICE_PASSWORD or a prompt) and cache a short-lived token')
    .action(async (_options: unknown, command: Command) => {
      const client = await rt.client(command);
      await client.login();
      rt.io.out('Logged in.\n');
    });

  program
    .command('logout')
    .description('forget the cached token of the context')
    .action(async (_options: unknown, command: Command) => {
      const target = await resolveTarget(rt.io, rt.globals(command));
      await new ApiClient(rt.io, target).logout();
      rt.io.out('Logged out.\n');
    });
}
