// One database or Redis server of the harness: spawned with fixed settings, awaited until it
// answers, registered for cleanup, and able to be stopped, killed (kill -9) and restarted on
// the same port and data folder, which fault-injection tests need.
import {
  describeExit,
  spawnLoggedProcess,
  type ChildProcessOptions,
  type LoggedChildProcess,
} from '../debezium-config/launch-child-process.ts';
import { readLogTail } from '../debezium-config/launch-log-tail.ts';
import type { ManagedProcess, ProcessRegistry } from './process-registry.ts';
import { waitFor } from './wait-for.ts';

export interface ServerProcessOptions {
  readonly spawn: ChildProcessOptions;
  /** True once the server answers; called repeatedly, a throw counts as "not yet". */
  readonly isReady: () => Promise<boolean>;
  readonly registry: ProcessRegistry;
  /** Default 60 s. */
  readonly readyTimeoutMs?: number;
}

export interface ServerProcess extends ManagedProcess {
  readonly logFile: string;
  /** Polite stop (no-op when not running). */
  stop(): Promise<void>;
  /** SIGKILL, like a crash (no-op when not running). */
  kill(): Promise<void>;
  /** Stops if running, then starts again with the same settings and waits until ready. */
  restart(): Promise<void>;
}

/** Starts the server and resolves once it is ready; it is registered before the wait. */
export async function startServerProcess(opts: ServerProcessOptions): Promise<ServerProcess> {
  const { name, logFile } = opts.spawn;
  let current: LoggedChildProcess | undefined;

  const start = async (): Promise<void> => {
    const child = await spawnLoggedProcess(opts.spawn);
    current = child;
    try {
      await waitFor(`${name} to accept connections`, opts.isReady, {
        timeoutMs: opts.readyTimeoutMs ?? 60_000,
        abortIf: () => {
          const exit = child.exitStatus();
          return exit === undefined ? undefined : `${name} exited with ${describeExit(exit)}`;
        },
      });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`${reason}\n--- last lines of ${logFile} ---\n${await readLogTail(logFile)}`);
    }
  };

  const server: ServerProcess = {
    name,
    logFile,
    get pid() {
      return current?.exitStatus() === undefined ? current?.pid : undefined;
    },
    stop: async () => {
      await current?.stop();
    },
    kill: async () => {
      await current?.kill();
    },
    restart: async () => {
      await current?.stop();
      await start();
    },
  };
  opts.registry.add(server);
  await start();
  return server;
}
