// Every program that the project's code starts must come from its own install scripts: a
// program installed by hand on one machine is missing on a fresh one (Prometheus once was).
// This scans the tracked sources for the programs they spawn and checks each against
// scripts/system-deps.txt, the list that scripts/install-system-deps.sh installs from, or
// against scripts/built-tools.txt, the tools that scripts/install-k8s-tools.sh builds.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtTools, kubeTool, type KubeTool } from '../harness/kube-tools.ts';

const ROOT = join(import.meta.dirname, '..');
/** Provided by scripts/bootstrap.sh (Node.js 24, Java 21+ via find-java.sh) or by the shell. */
const BOOTSTRAPPED = new Set(['node', 'npm', 'npx', 'java', 'bash', 'sh', 'git', 'tar', 'env']);

function manifestPrograms(): Map<string, string> {
  const programs = new Map<string, string>();
  for (const line of readFileSync(join(ROOT, 'scripts', 'system-deps.txt'), 'utf8').split('\n')) {
    const [program, pkg] = line.trim().split(/\s+/);
    if (program === undefined || program === '' || program.startsWith('#')) continue;
    if (pkg === undefined) throw new Error(`system-deps.txt: no package for ${program}`);
    programs.set(program, pkg);
  }
  return programs;
}

const SPAWN_PATTERNS: readonly RegExp[] = [
  // spawn('x'), execFile('x'), runCommand('x'), runCommandRaw('x'), run('x'): plain calls only
  // (pool.run('dry-run') is a method), and only a program-like word (not a YAML text).
  /(?<![.\w])(?:spawn|spawnSync|execFile|execFileSync|runCommand|runCommandRaw|run)\(\s*'([\w./+-]+)'/g,
  // spawn options objects: { command: 'x' }
  /\bcommand:\s*'([^'$`{}]+)'/g,
  // a server binary joined to a bin folder: join(bin, 'x')
  /\bjoin\(\s*bin\w*,\s*'([^']+)'\)/g,
  // a tool that scripts/install-k8s-tools.sh builds: kubeTool('x')
  /\bkubeTool\(\s*'([^']+)'/g,
  // an absolute path to a system binary anywhere in a literal
  /['"`](\/usr\/(?:s?bin|lib\/[^'"`]*\/bin)\/[A-Za-z0-9._+-]+)['"`]/g,
];

/** Programs spawned by tracked .ts and .sh files, each with the first file that spawns it. */
function spawnedPrograms(): Map<string, string> {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '*.ts', '*.sh'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((file) => file !== '' && !file.endsWith('system-deps.test.ts'));
  const found = new Map<string, string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(join(ROOT, file), 'utf8');
    } catch {
      continue; // deleted in the working tree
    }
    for (const pattern of SPAWN_PATTERNS) {
      for (const match of text.matchAll(pattern)) {
        const program = basename(match[1] ?? '');
        if (program !== '' && !found.has(program)) found.set(program, file);
      }
    }
  }
  return found;
}

describe('system programs', () => {
  const listed = manifestPrograms();
  const built = new Set(builtTools().map((tool) => tool.program));

  it('finds the programs the harness is known to spawn (the scan itself works)', () => {
    const spawned = spawnedPrograms();
    for (const known of ['prometheus', 'postgres', 'mariadb-install-db', 'redis-cli']) {
      expect(spawned.has(known), known).toBe(true);
    }
  });

  it('lists every spawned program in scripts/system-deps.txt', () => {
    const unlisted = [...spawnedPrograms()]
      .filter(
        ([program]) => !listed.has(program) && !BOOTSTRAPPED.has(program) && !built.has(program),
      )
      .map(([program, file]) => `${program} (spawned in ${file})`);
    expect(
      unlisted,
      'add each to scripts/system-deps.txt with its Debian package, or build it from a script',
    ).toEqual([]);
  });

  // After scripts/test.sh has run scripts/install-k8s-tools.sh (before the tests).
  it('finds every tool of scripts/built-tools.txt built', () => {
    const absent = [...built].filter((program) => {
      try {
        kubeTool(program as KubeTool);
        return false;
      } catch {
        return true;
      }
    });
    expect(absent, 'run scripts/install-k8s-tools.sh').toEqual([]);
  });

  // After scripts/bootstrap.sh (which the test script runs first) each listed program exists.
  it('finds every listed program installed', () => {
    const searchDirs = [
      ...(process.env['PATH'] ?? '').split(':'),
      '/usr/sbin',
      ...postgresBinDirs(),
    ];
    const absent = [...listed.keys()].filter(
      (program) => !searchDirs.some((dir) => dir !== '' && isExecutable(join(dir, program))),
    );
    expect(absent, 'run scripts/install-system-deps.sh').toEqual([]);
  });
});

function postgresBinDirs(): string[] {
  try {
    return readdirSync('/usr/lib/postgresql').map((major) => `/usr/lib/postgresql/${major}/bin`);
  } catch {
    return [];
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
