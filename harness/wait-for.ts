// Polls a condition until it holds, with a timeout and an error that says what was awaited
// and the last reason it was not met. Tests wait for events this way instead of sleeping.

export interface WaitForOptions {
  /** Default 30 s. */
  readonly timeoutMs?: number;
  /** Pause between two probes; default 100 ms. */
  readonly intervalMs?: number;
  /**
   * Checked before each probe: a returned reason aborts the wait at once, e.g. when the
   * process being awaited has exited.
   */
  readonly abortIf?: () => string | undefined;
}

type Pending = undefined | null | false;

/**
 * Calls `probe` until it returns something other than undefined, null or false, and returns
 * that. A probe that throws counts as "not yet"; its error is quoted if time runs out.
 */
export async function waitFor<T>(
  description: string,
  probe: () => Promise<T | Pending> | T | Pending,
  opts: WaitForOptions = {},
): Promise<Exclude<T, Pending>> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const intervalMs = opts.intervalMs ?? 100;
  const start = Date.now();
  let lastProblem = 'the condition was never met';
  for (;;) {
    const aborted = opts.abortIf?.();
    if (aborted !== undefined) {
      throw new Error(`gave up waiting for ${description}: ${aborted}`);
    }
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) {
        return value as Exclude<T, Pending>;
      }
    } catch (err) {
      lastProblem = err instanceof Error ? err.message : String(err);
    }
    const elapsed = Date.now() - start;
    if (elapsed >= timeoutMs) {
      throw new Error(`timed out after ${elapsed} ms waiting for ${description}: ${lastProblem}`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, timeoutMs - elapsed)));
  }
}
