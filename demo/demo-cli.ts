// The demo drives Sluice the way a user does: with the `sluice` command of this checkout
// (`node cli/main.ts`), in a separate process per command, with the demo's own context folder
// so that the user's ~/.config/sluice is left alone. Prints each command before running it.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const REPO = join(import.meta.dirname, '..');
const CLI_MAIN = join(REPO, 'cli', 'main.ts');
const COMMAND_TIMEOUT_MS = 120_000;
const LEAKING = new Set(['SLUICE_CONTEXT', 'SLUICE_API_URL', 'SLUICE_USERNAME', 'SLUICE_PASSWORD']);

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export interface CliCall {
  /** Standard input of the command (e.g. a secret's value), closed after it. */
  readonly stdin?: string;
  /** What to print instead of the arguments (e.g. to show where a value comes from). */
  readonly shown?: string;
  /** Extra environment of this one command (e.g. SLUICE_PASSWORD for `login`). */
  readonly env?: Readonly<Record<string, string>>;
  /** Print the command before running it (default true). */
  readonly echo?: boolean;
}

export class DemoCli {
  /** Folder of the demo's contexts.yaml and cached token (SLUICE_CONFIG_DIR/_CACHE_DIR). */
  readonly dir: string;
  readonly #print: (line: string) => void;
  readonly #running = new Set<ChildProcess>();
  #closed = false;

  constructor(dir: string, print: (line: string) => void) {
    this.dir = dir;
    this.#print = print;
  }

  /** Refuses further commands and ends the running ones (the demo is stopping). */
  async close(): Promise<void> {
    this.#closed = true;
    const ended = [...this.#running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('close', () => {
            resolve();
          });
          child.kill('SIGTERM');
        }),
    );
    await Promise.all(ended);
  }

  /** The line a user pastes into another terminal to use the demo's context. */
  get exportLine(): string {
    return `export SLUICE_CONFIG_DIR=${this.dir} SLUICE_CACHE_DIR=${this.dir}`;
  }

  /** Runs `sluice <args>`; rejects with the command's error output when it fails. */
  async run(args: readonly string[], call: CliCall = {}): Promise<CliRun> {
    if (this.#closed) throw new Error('the demo is stopping');
    if (call.echo !== false) this.#print(`$ sluice ${call.shown ?? args.join(' ')}`);
    const result = await this.#spawn(args, call);
    if (result.code !== 0) {
      throw new Error(
        `sluice ${args[0] ?? ''} failed (exit code ${result.code}): ${result.err.trim()}`,
      );
    }
    return result;
  }

  #spawn(args: readonly string[], call: CliCall): Promise<CliRun> {
    // Contexts and logins of the user's shell must not leak into the demo's commands.
    const inherited = Object.entries(process.env).filter(([name]) => !LEAKING.has(name));
    const env: NodeJS.ProcessEnv = {
      ...Object.fromEntries(inherited),
      SLUICE_CONFIG_DIR: this.dir,
      SLUICE_CACHE_DIR: this.dir,
      ...call.env,
    };
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI_MAIN, ...args], {
        cwd: REPO,
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      this.#running.add(child);
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
      }, COMMAND_TIMEOUT_MS);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('close', (code, signal) => {
        this.#running.delete(child);
        clearTimeout(timer);
        resolve({ code: code ?? (signal === null ? 1 : 128), out, err });
      });
      child.stdin.end(call.stdin ?? '');
    });
  }
}
