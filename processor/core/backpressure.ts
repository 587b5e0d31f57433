// When the processor asks for capture to pause: the backlog of change entries or the RDI
// database's memory passed a high-water mark, or the target is unavailable. Cleared only
// below the low-water marks (hysteresis), so the collector does not flap. Pure.

export interface BackpressureThresholds {
  /** Unacknowledged entries across all streams that raise the flag … */
  readonly backlogHigh: number;
  /** … and the level it must fall to before the flag clears. */
  readonly backlogLow: number;
  /** used_memory / maxmemory of the RDI database that raises the flag (0..1) … */
  readonly memoryHigh: number;
  /** … and the level it must fall to before the flag clears. */
  readonly memoryLow: number;
}

export interface BackpressureReading {
  readonly backlog: number;
  readonly usedMemory: number;
  /** 0 when the RDI database has no limit (start-up refuses that, but be safe). */
  readonly maxMemory: number;
  readonly targetDown: boolean;
}

export interface BackpressureState {
  readonly raised: boolean;
  /** Why it is raised (empty when clear). */
  readonly reasons: readonly string[];
}

export const CLEAR: BackpressureState = { raised: false, reasons: [] };

export const DEFAULT_BACKPRESSURE: BackpressureThresholds = {
  backlogHigh: 200_000,
  backlogLow: 20_000,
  memoryHigh: 0.8,
  memoryLow: 0.6,
};

function percent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}

export function evaluateBackpressure(
  previous: BackpressureState,
  reading: BackpressureReading,
  t: BackpressureThresholds,
): BackpressureState {
  const memory = reading.maxMemory > 0 ? reading.usedMemory / reading.maxMemory : 0;
  const reasons: string[] = [];
  if (reading.targetDown) reasons.push('target unavailable');
  if (reading.backlog >= t.backlogHigh) {
    reasons.push(`backlog ${reading.backlog} entries ≥ ${t.backlogHigh}`);
  }
  if (memory >= t.memoryHigh) {
    reasons.push(`RDI database memory ${percent(memory)} of maxmemory ≥ ${percent(t.memoryHigh)}`);
  }
  if (reasons.length > 0) return { raised: true, reasons };
  if (!previous.raised) return CLEAR;
  // Raised before and no high-water mark passed now: clear only below every low-water mark.
  const lingering: string[] = [];
  if (reading.backlog > t.backlogLow) {
    lingering.push(`backlog ${reading.backlog} entries, clears at ${t.backlogLow}`);
  }
  if (memory > t.memoryLow) {
    lingering.push(`RDI database memory ${percent(memory)}, clears at ${percent(t.memoryLow)}`);
  }
  return lingering.length > 0 ? { raised: true, reasons: lingering } : CLEAR;
}
