// Runs a short-lived command without a shell and collects its output; a non-zero exit
// becomes an error that quotes the command and its stderr.
import { spawn } from 'node:child_process';

export interface RunCommandOptions {
  readonly cwd?: string;
  /** The complete environment (not merged with this process's). */
  readonly env?: NodeJS.ProcessEnv;
  readonly uid?: number;
  readonly gid?: number;
  /** Written to stdin, which is then closed. */
  readonly input?: string;
  /** SIGKILL after this long; default 120 s. */
  readonly timeoutMs?: number;
}

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs to completion; never rejects because of the exit code (see `runCommand`). */
export function runCommandRaw(
  command: string,
  args: readonly string[],
  opts: RunCommandOptions = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 120_000,
      killSignal: 'SIGKILL',
      ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
      ...(opts.env === undefined ? {} : { env: opts.env }),
      ...(opts.uid === undefined ? {} : { uid: opts.uid }),
      ...(opts.gid === undefined ? {} : { gid: opts.gid }),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', (e) => {
      reject(new Error(`cannot run ${command}: ${e.message}`));
    });
    child.once('close', (code, signal) => {
      resolve({
        code: signal === null ? code : null,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    // A command that exits without reading stdin makes the write fail with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs to completion and rejects when the exit code is not 0. */
export async function runCommand(
  command: string,
  args: readonly string[],
  opts: RunCommandOptions = {},
): Promise<CommandResult> {
  const result = await runCommandRaw(command, args, opts);
  if (result.code !== 0) {
    const detail = (result.stderr.trim() || result.stdout.trim()).slice(-4000);
    throw new Error(
      `${command} ${args.join(' ')} failed (exit ${result.code ?? 'by signal'}): ${detail}`,
    );
  }
  return result;
}
