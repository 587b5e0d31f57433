// `sluice completion bash|zsh`: a completion script generated from the command tree, so it
// never falls behind the commands. Install with `source <(sluice completion bash)`.

import { Argument, type Command } from 'commander';
import type { Runtime } from '../runtime.ts';

export function registerCompletionCommand(program: Command, rt: Runtime): void {
  program
    .command('completion')
    .description('print a shell completion script (bash or zsh)')
    .addArgument(new Argument('[shell]', 'shell').choices(['bash', 'zsh']).default('bash'))
    .action((shell: 'bash' | 'zsh') => {
      rt.io.out(completionScript(program, shell));
    });
}

function words(command: Command): { names: string[]; options: string[] } {
  return {
    names: command.commands.flatMap((c) => [c.name(), ...c.aliases()]),
    options: command.options.flatMap((o) =>
      [o.long, o.short].filter((x): x is string => x !== undefined),
    ),
  };
}

export function completionScript(program: Command, shell: 'bash' | 'zsh'): string {
  const top = words(program);
  const cases = program.commands.flatMap((command) => {
    const own = words(command);
    const list = [...own.names, ...own.options, '--help'].join(' ');
    return [command.name(), ...command.aliases()].map(
      (name) => `    ${name}) opts="${list} ${top.options.join(' ')}" ;;`,
    );
  });
  const body = `_sluice() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" sub="\${COMP_WORDS[1]}" opts
  if [ "$COMP_CWORD" -eq 1 ]; then
    opts="${[...top.names, ...top.options, '--help'].join(' ')}"
  else
    case "$sub" in
${cases.join('\n')}
    *) opts="${top.options.join(' ')}" ;;
    esac
  fi
  COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
}
`;
  if (shell === 'bash') return `${body}complete -o default -F _sluice sluice\n`;
  return `autoload -U +X bashcompinit && bashcompinit\n${body}complete -o default -F _sluice sluice\n`;
}
