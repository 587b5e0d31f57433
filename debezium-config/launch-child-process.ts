// A long-running child process whose stdout and stderr go to a log file, with an `exited`
// promise and an idempotent stop (polite signal, then SIGKILL after a grace period).
// Used for Debezium Server here and for the databases the e2e harness starts.
import { spawn } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ChildProcessOptions {
  /** Short name used in error messages, e.g. `postgres`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly cwd?: string;
  /** The complete environment of the child (not merged with this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** Run as this user and group (the caller must be root). */
  readonly uid?: number;
  readonly gid?: number;
  /** Signal of a polite stop. Postgres needs SIGINT: SIGTERM waits for clients to leave. */
  readonly stopSignal?: NodeJS.Signals;
  /** How long stop() waits after the polite signal before SIGKILL. */
  readonly stopGraceMs?: number;
}

export interface LoggedChildProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves when the process has exited, whatever the reason; never rejects. */
  readonly exited: Promise<ChildExit>;
  /** The exit status, or undefined while the process runs. */
  exitStatus(): ChildExit | undefined;
  /** Polite signal, SIGKILL after the grace period; idempotent; resolves once exited. */
  stop(graceMs?: number): Promise<ChildExit>;
  /** SIGKILL now; resolves once exited. */
  kill(): Promise<ChildExit>;
}

const DEFAULT_STOP_GRACE_MS = 15_000;

/** Spawns the process without a shell; resolves once it runs, rejects if it cannot start. */
export async function spawnLoggedProcess(opts: ChildProcessOptions): Promise<LoggedChildProcess> {
  await mkdir(dirname(opts.logFile), { recursive: true });
  const log = await open(opts.logFile, 'a');
  try {
    const child = spawn(opts.command, opts.args, {
      stdio: ['ignore', log.fd, log.fd],
      ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
      ...(opts.env === undefined ? {} : { env: opts.env }),
      ...(opts.uid === undefined ? {} : { uid: opts.uid }),
      ...(opts.gid === undefined ? {} : { gid: opts.gid }),
    });
    let status: ChildExit | undefined;
    const exited = new Promise<ChildExit>((resolve) => {
      child.once('exit', (code, signal) => {
        status = { code, signal };
        resolve(status);
      });
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err) => {
        reject(new Error(`cannot start ${opts.name} (${opts.command}): ${err.message}`));
      });
    });
    const pid = child.pid;
    if (pid === undefined) throw new Error(`${opts.name} started without a pid`);

    let stopping: Promise<ChildExit> | undefined;
    const signal = (sig: NodeJS.Signals): void => {
      // The process may exit between the check and the call; ESRCH is then harmless.
      if (status === undefined) child.kill(sig);
    };
    const stop = (graceMs = opts.stopGraceMs ?? DEFAULT_STOP_GRACE_MS): Promise<ChildExit> => {
      stopping ??= (async () => {
        signal(opts.stopSignal ?? 'SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const graceOver = new Promise<'grace-over'>((resolve) => {
          timer = setTimeout(() => {
            resolve('grace-over');
          }, graceMs);
        });
        const first = await Promise.race([exited, graceOver]);
        clearTimeout(timer);
        if (first === 'grace-over') signal('SIGKILL');
        return exited;
      })();
      return stopping;
    };
    const kill = (): Promise<ChildExit> => {
      signal('SIGKILL');
      return exited;
    };
    return {
      name: opts.name,
      pid,
      logFile: opts.logFile,
      exited,
      exitStatus: () => status,
      stop,
      kill,
    };
  } finally {
    // The child holds its own copy of the descriptor.
    await log.close();
  }
}

/** `code 1` or `signal SIGKILL`, for messages. */
export function describeExit(exit: ChildExit): string {
  return exit.signal === null ? `code ${exit.code ?? 'unknown'}` : `signal ${exit.signal}`;
}
