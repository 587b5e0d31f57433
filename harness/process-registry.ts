// Tracks every server a test starts so that all of them are stopped at the end, even when the
// test or its setup failed: stops run newest first (Debezium before its databases), with a
// SIGKILL fallback, and a last-resort SIGKILL of survivors when the test worker exits.

export interface ManagedProcess {
  readonly name: string;
  /** Current pid, or undefined while not running (e.g. a Redis between kill and restart). */
  readonly pid: number | undefined;
  /** Polite stop; must be idempotent. */
  stop(): Promise<unknown>;
  kill(): Promise<unknown>;
}

/** How long one polite stop may take before the registry kills the process. */
const STOP_TIMEOUT_MS = 30_000;

const liveRegistries = new Set<ProcessRegistry>();
let exitHookInstalled = false;

export class ProcessRegistry {
  readonly #entries: ManagedProcess[] = [];

  constructor() {
    liveRegistries.add(this);
    installExitHook();
  }

  /** Registers `managed` (returned unchanged) to be stopped by stopAll / stopFrom. */
  add<T extends ManagedProcess>(managed: T): T {
    this.#entries.push(managed);
    return managed;
  }

  /** Number of processes registered and not yet stopped; a mark for stopFrom. */
  get size(): number {
    return this.#entries.length;
  }

  /** Stops every process registered at or after `mark`, newest first. */
  async stopFrom(mark: number): Promise<void> {
    const batch = this.#entries.splice(mark).reverse();
    const failures: string[] = [];
    for (const entry of batch) {
      try {
        await stopOrKill(entry);
      } catch (err) {
        failures.push(`${entry.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (failures.length > 0) {
      throw new Error(`could not stop every process:\n${failures.join('\n')}`);
    }
  }

  async stopAll(): Promise<void> {
    await this.stopFrom(0);
  }

  /** Synchronous SIGKILL of everything still registered (for the process 'exit' hook). */
  killAllNow(): void {
    for (const entry of this.#entries) {
      if (entry.pid === undefined) continue;
      try {
        process.kill(entry.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

async function stopOrKill(entry: ManagedProcess): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      resolve('timeout');
    }, STOP_TIMEOUT_MS);
  });
  try {
    const first = await Promise.race([entry.stop(), timedOut]);
    if (first === 'timeout') await entry.kill();
  } catch (err) {
    await entry.kill();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

// If the worker dies before afterAll ran (crash, process.exit), no server must outlive it:
// they would hold ports and memory on a developer's machine. 'exit' handlers must be synchronous.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const registry of liveRegistries) registry.killAllNow();
  });
}
