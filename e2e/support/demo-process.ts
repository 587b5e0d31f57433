// The demo as a child process for e2e tests (`node demo/run-demo.ts …`, output captured
// without colours, stopped with SIGINT like Ctrl-C, its whole tree killed as a last resort),
// and `scripts/sluice` run in the environment the demo tells the user to export.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ProcessRegistry } from '../../harness/process-registry.ts';
import { waitFor } from '../../harness/wait-for.ts';
import { descendants, type ProcessInfo } from './process-tree.ts';

const REPO = join(import.meta.dirname, '..', '..');

export interface Demo {
  readonly pid: number;
  output(): string;
  readonly exited: Promise<number | null>;
  running(): boolean;
}

/** Starts the demo as scripts/demo.sh does (after its set-up), registered for cleanup. */
export function startDemo(registry: ProcessRegistry, args: readonly string[]): Demo {
  const child = spawn(process.execPath, [join(REPO, 'demo', 'run-demo.ts'), ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the demo did not start');
  let text = '';
  const append = (chunk: Buffer): void => {
    // The demo colours its output; the test reads the plain text.
    text += chunk.toString('utf8').replace(/\x1b\[[0-9;]*m/g, '');
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  let alive = true;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      alive = false;
      resolve(code);
    });
  });
  let known: ProcessInfo[] = [];
  const killTree = async (): Promise<void> => {
    for (const p of [...known, ...(await descendants(pid))]) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // Gone.
      }
    }
    if (alive) child.kill('SIGKILL');
    await exited;
  };
  registry.add({
    name: 'demo',
    get pid() {
      return alive ? pid : undefined;
    },
    stop: async () => {
      known = await descendants(pid);
      if (alive) child.kill('SIGINT');
      await exited;
    },
    kill: killTree,
  });
  return { pid, output: () => text, exited, running: () => alive };
}

/** The first match of `pattern` in the demo's output, waited for. */
export async function printed(demo: Demo, what: string, pattern: RegExp): Promise<RegExpExecArray> {
  return waitFor(`the demo to print ${what}`, () => pattern.exec(demo.output()) ?? undefined, {
    timeoutMs: 240_000,
    intervalMs: 200,
    abortIf: () => (demo.running() ? undefined : `the demo exited:\n${demo.output()}`),
  });
}

export class CliFailure extends Error {
  readonly code: number | null;
  constructor(message: string, code: number | null) {
    super(message);
    this.code = code;
  }
}

/** Exit codes that no retry can fix: usage, authentication, not found, invalid, conflict. */
export const FATAL_EXIT_CODES = [2, 3, 4, 5, 6];

/** `scripts/sluice <args>` in the environment the demo tells the user to export. */
export function sluice(exports: Record<string, string>, args: readonly string[]): Promise<string> {
  // Only the demo's context: no other context, URL or password of the test's environment.
  const inherited = Object.entries(process.env).filter(
    ([name]) => !['SLUICE_CONTEXT', 'SLUICE_API_URL', 'SLUICE_PASSWORD'].includes(name),
  );
  const env: NodeJS.ProcessEnv = { ...Object.fromEntries(inherited), ...exports };
  return new Promise((resolve, reject) => {
    const child = spawn(join(REPO, 'scripts', 'sluice'), args, { cwd: REPO, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new CliFailure(`sluice ${args.join(' ')} exited with ${code}: ${err}`, code));
    });
  });
}
