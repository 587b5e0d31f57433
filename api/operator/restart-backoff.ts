// Capped exponential backoff for restarting a supervised child: the first failure waits
// `initialMs`, each further consecutive failure doubles the wait, up to `maxMs`. Pure.

export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 60_000 };

/** How long to wait before the next start after `failures` consecutive failed runs. */
export function restartDelayMs(failures: number, policy: BackoffPolicy): number {
  if (failures <= 0) return 0;
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(failures - 1, 30));
}
