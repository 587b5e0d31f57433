// The `sluice` command tree and `runCli(argv, io)`, which runs one invocation in-process and
// returns its exit code: 0 on success, 2 on usage errors, the class of the error otherwise.

import { Command, CommanderError, Option } from 'commander';
import { isSluiceError } from '../common/errors.ts';
import type { CliIo } from './cli-io.ts';
import { registerCompletionCommand } from './commands/completion.ts';
import { registerContextCommands } from './commands/context.ts';
import { registerControlCommands } from './commands/control.ts';
import { registerDlqCommands } from './commands/dlq.ts';
import { registerInstallCommands } from './commands/install.ts';
import { registerJobCommands } from './commands/jobs.ts';
import { registerPipelineCommands } from './commands/pipelines.ts';
import { registerScaffoldCommand } from './commands/scaffold.ts';
import { registerSecretCommands } from './commands/secrets.ts';
import { registerStatusCommand } from './commands/status.ts';
import { registerTraceCommand } from './commands/trace.ts';
import { EXIT, exitCodeOf } from './exit-codes.ts';
import { OUTPUT_FORMATS } from './output.ts';
import { Runtime } from './runtime.ts';

export function buildProgram(io: CliIo): Command {
  const rt = new Runtime(io);
  const program = new Command('sluice')
    .description('Manage Sluice pipelines: Redis kept in sync with PostgreSQL/MySQL/MariaDB.')
    .version('0.1.0')
    .option('--context <name>', 'context to use (default: the current one, or SLUICE_CONTEXT)')
    .option('--url <url>', 'API URL, overriding the context (or SLUICE_API_URL)')
    .option('--username <user>', 'user name, overriding the context (or SLUICE_USERNAME)')
    .option('-p, --pipeline <name>', 'pipeline to act on (default: the context’s, else `default`)')
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'),
    )
    .showSuggestionAfterError()
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 failed, 2 usage, 3 authentication, 4 not found, 5 invalid, 6 conflict, 7 unavailable.',
    );
  registerContextCommands(program, rt);
  registerPipelineCommands(program, rt);
  registerStatusCommand(program, rt);
  registerControlCommands(program, rt);
  registerDlqCommands(program, rt);
  registerJobCommands(program, rt);
  registerTraceCommand(program, rt);
  registerSecretCommands(program, rt);
  registerScaffoldCommand(program, rt);
  registerCompletionCommand(program, rt);
  registerInstallCommands(program, rt);
  const configure = (command: Command): void => {
    command.exitOverride().configureOutput({
      writeOut: (text) => {
        io.out(text);
      },
      writeErr: (text) => {
        io.err(text);
      },
    });
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exitCode 0; every parse error is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (isSluiceError(error)) {
      io.err(`error: ${error.code}: ${error.message}\n`);
      if (error.hint !== undefined && !error.message.includes(error.hint))
        io.err(`hint: ${error.hint}\n`);
    } else {
      io.err(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    return exitCodeOf(error);
  }
}
