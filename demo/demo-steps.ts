// The steps a user would take, run with the real `sluice` command: a context and a login,
// the secrets that config.yaml refers to, `deploy --dir demo/pipeline --start`; then
// `sluice status` until the initial sync is over, and what to try in another terminal.

import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import type { DemoCli } from './demo-cli.ts';
import { count, RDI_USER, type DemoStack } from './demo-stack.ts';

const REPO = join(import.meta.dirname, '..');
const bold = (text: string): string => `\x1b[1m${text}\x1b[0m`;
const dim = (text: string): string => `\x1b[2m${text}\x1b[0m`;
const indent = (text: string): string =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');

/** How long the pipeline may take from the deploy to CDC before the demo gives up. */
const SYNC_TIMEOUT_MS = 240_000;
/** How often the initial sync's status is printed at most. */
const PRINT_EVERY_MS = 3_000;

/** Deploys and starts demo/pipeline; resolves with the time of the deploy. */
export async function deployPipeline(
  cli: DemoCli,
  stack: DemoStack,
  print: (line: string) => void,
): Promise<number> {
  print(bold('\nDeploying demo/pipeline through the API, with the sluice CLI (docs/cli.md):'));
  print(dim("  The demo's CLI context, for another terminal:"));
  print(dim(`    ${cli.exportLine}`));
  const show = (text: string): void => {
    print(dim(indent(text)));
  };
  show((await cli.run(['context', 'add', 'demo', stack.apiUrl, RDI_USER])).out);
  const login = await cli.run(['login'], {
    env: { SLUICE_PASSWORD: stack.rdiPassword },
    shown: `login                    ${dim('(password of the RDI database from SLUICE_PASSWORD)')}`,
  });
  show(login.out);
  const { source, target } = stack;
  const secrets: [string, string, boolean][] = [
    ['SOURCE_DB_HOST', source.host, false],
    ['SOURCE_DB_PORT', String(source.port), false],
    ['SOURCE_DB_USERNAME', source.user, true],
    ['SOURCE_DB_PASSWORD', source.password, true],
    ['TARGET_DB_HOST', target.host, false],
    ['TARGET_DB_PORT', String(target.port), false],
  ];
  // Credentials go through standard input, as they would from a file or a prompt.
  await Promise.all(
    secrets.map(([name, value, hidden]) =>
      hidden
        ? cli.run(['set-secret', name], {
            stdin: value,
            shown: `set-secret ${name}  ${dim('(value on standard input)')}`,
          })
        : cli.run(['set-secret', name, value]),
    ),
  );
  const deployedAt = Date.now();
  show((await cli.run(['deploy', '--dir', 'demo/pipeline', '--start'])).out);
  return deployedAt;
}

/** Polls `sluice status` and prints it while the pipeline starts and syncs; resolves at CDC. */
export async function watchInitialSync(
  cli: DemoCli,
  deployedAt: number,
  dir: string,
  print: (line: string) => void,
): Promise<number> {
  print(
    bold('\nThe operator starts Debezium Server and the processor. `sluice status` meanwhile:'),
  );
  let last = '';
  let printedAt = 0;
  for (;;) {
    const { out } = await cli.run(['status'], { echo: false });
    const phase = /^Phase:\s+(.+)$/m.exec(out)?.[1]?.trim() ?? 'unknown';
    const state = [phase, ...(out.match(/^ {2}\w+: .*$/gm) ?? [])].join('\n');
    // Each change of phase or of a component, and every few seconds of the initial sync.
    const now = Date.now();
    if (state !== last || (phase === 'initial sync' && now - printedAt >= PRINT_EVERY_MS)) {
      const seconds = ((now - deployedAt) / 1000).toFixed(1);
      print(`\n${dim(`$ sluice status            (${seconds} s after the deploy)`)}`);
      print(indent(out));
      printedAt = now;
    }
    last = state;
    if (phase.startsWith('change streaming')) return Date.now();
    if (Date.now() - deployedAt > SYNC_TIMEOUT_MS) {
      throw new Error(
        `the pipeline did not reach CDC within ${SYNC_TIMEOUT_MS / 1000} s; ` +
          `see ${dir}/operator.log and the logs under ${dir}/operator/`,
      );
    }
    await sleep(500);
  }
}

export function printInstructions(opts: {
  stack: DemoStack;
  cli: DemoCli;
  dir: string;
  deployedAt: number;
  syncedAt: number;
  print: (line: string) => void;
}): void {
  const { stack, cli, dir, print } = opts;
  const rows = Object.values(stack.seeded).reduce((sum, n) => sum + n, 0);
  const { source, rdi, target } = stack;
  print(
    `\n${bold('Sluice is running.')} ${count(rows)} rows synced ` +
      `${((opts.syncedAt - opts.deployedAt) / 1000).toFixed(1)} s after the deploy; ` +
      'changes now stream (CDC).',
  );
  print(`
  ${bold('Web UI')}    ${stack.apiUrl}/   log in as ${RDI_USER}, password ${stack.rdiPassword}
            pipeline editor, job dry run, live status, dead letters, trace

  In another terminal, from ${REPO}:
    ${cli.exportLine}
    scripts/sluice status --live       phase, snapshot and per-table counts, refreshed
    scripts/sluice trace --count 5     the next changes: record, job output, Redis commands
    scripts/sluice login               only if asked: user ${RDI_USER}, password ${stack.rdiPassword}

  Target    redis-cli -p ${target.port}      e.g.  HGETALL customers:id:1   KEYS 'orders:id:1*'
  Streams   redis-cli -p ${rdi.port} -a ${stack.rdiPassword} --no-auth-warning
            e.g.  XINFO GROUPS data:shop.public.orders   HGETALL sluice:stats:data:shop.public.orders
  Source    psql "postgresql://${source.user}:${source.password}@127.0.0.1:${source.port}/shop"
  API       ${stack.apiUrl}/docs
  Logs      ${dir}/{api,operator}.log, Debezium and processor under ${dir}/operator/

  A change is made every second; each line shows it and how soon Redis had it. Ctrl-C stops all.
`);
}
