// The CLI as an npm package: `npm pack` of the checkout, installed into an empty folder as a user
// would, must give a working `sluice` (the bin launcher strips the types of the package's .ts
// files itself: Node refuses to under node_modules). Needs the npm registry for dependencies.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../debezium-config/launch-run-command.ts';

const ROOT = join(import.meta.dirname, '..');
let dir: string;
let files: string[];
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-npm-package-'));
  // The installed command's `#!/usr/bin/env node` must find this Node.js 24.
  env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };
  const { stdout } = await runCommand(
    'npm',
    ['pack', ROOT, '--pack-destination', dir, '--json', '--loglevel=error'],
    { env, timeoutMs: 120_000 },
  );
  const [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  files = packed.files.map((file) => file.path);
  const app = join(dir, 'app');
  await mkdir(app);
  await writeFile(join(app, 'package.json'), '{ "name": "uses-sluice", "private": true }\n');
  await runCommand(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      join(dir, packed.filename),
    ],
    { cwd: app, env, timeoutMs: 300_000 },
  );
}, 420_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sluice(args: readonly string[]) {
  // From the clean folder, not the checkout: nothing of the repository is on the way.
  return runCommand(join(dir, 'app', 'node_modules', '.bin', 'sluice'), args, {
    cwd: join(dir, 'app'),
    env,
  });
}

describe('npm package', () => {
  it('holds the CLI and the code it runs, without tests', () => {
    expect(files).toContain('cli/sluice.js');
    expect(files).toContain('cli/main.ts');
    expect(files).toContain('processor/main.ts');
    expect(files.filter((file) => file.endsWith('.test.ts'))).toEqual([]);
    expect(files.filter((file) => file.startsWith('e2e/') || file.startsWith('harness/'))).toEqual(
      [],
    );
  });

  it('`sluice --version` prints the package version', async () => {
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    const { stdout, stderr } = await sluice(['--version']);
    expect(stdout.trim()).toBe(version);
    expect(stderr).toBe('');
  });

  it('`sluice --help` lists the commands', async () => {
    const { stdout } = await sluice(['--help']);
    expect(stdout).toContain('Usage: sluice');
    for (const command of ['deploy', 'status', 'set-secret', 'context']) {
      expect(stdout).toContain(command);
    }
  });
});
