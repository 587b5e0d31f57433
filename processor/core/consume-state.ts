// What the consume loop remembers between steps, as plain data: the streams it consumes,
// which of them still have pending entries to re-read, when to look for new streams and to
// report memory, and acknowledgement time not yet counted. The runner (consume-runner.ts)
// asks it what to do next and tells it what happened; it does no I/O and reads no clock.

/** The read a step makes: none (no streams yet), a stream's own pending entries, or new ones. */
export type NextRead =
  | { readonly kind: 'none' }
  | { readonly kind: 'pending'; readonly stream: string }
  | { readonly kind: 'new'; readonly streams: readonly string[] };

export interface ConsumeIntervals {
  /** How often new streams are looked for while idle. */
  readonly streamsCheckIntervalMs: number;
  /** The same while the last read of new entries brought some; default: the idle one. */
  readonly busyStreamsCheckIntervalMs?: number;
  /** How often the process's memory is reported. */
  readonly reportIntervalMs: number;
}

export class ConsumeState {
  readonly #intervals: ConsumeIntervals;
  readonly #streams = new Set<string>();
  /** The streams as a list, rebuilt only when one is added (read on every step). */
  #streamList: readonly string[] = [];
  /** Streams whose own pending entries have not all been re-read since start or an error. */
  readonly #pendingPhase = new Set<string>();
  #nextDiscovery = 0;
  #nextReport = 0;
  /** The last read of new entries brought some: discovery uses the busy interval. */
  #busy = false;
  #unreportedAckMs = 0;

  constructor(intervals: ConsumeIntervals) {
    this.#intervals = intervals;
  }

  get streams(): readonly string[] {
    return this.#streamList;
  }

  discoveryDue(now: number): boolean {
    return now >= this.#nextDiscovery;
  }

  knows(stream: string): boolean {
    return this.#streams.has(stream);
  }

  /** A newly found stream: its pending entries (maybe claimed from others) are read first. */
  addStream(stream: string): void {
    if (this.#streams.has(stream)) return;
    this.#streams.add(stream);
    this.#streamList = [...this.#streams];
    this.#pendingPhase.add(stream);
  }

  /** Discovery ran at `now`: schedules the next one. */
  discovered(now: number): void {
    const { busyStreamsCheckIntervalMs, streamsCheckIntervalMs } = this.#intervals;
    const interval = this.#busy
      ? (busyStreamsCheckIntervalMs ?? streamsCheckIntervalMs)
      : streamsCheckIntervalMs;
    this.#nextDiscovery = now + interval;
  }

  nextRead(): NextRead {
    if (this.#streams.size === 0) return { kind: 'none' };
    for (const stream of this.#pendingPhase) return { kind: 'pending', stream };
    return { kind: 'new', streams: this.#streamList };
  }

  /** A read of `stream`'s pending entries came back empty: it reads new entries from now on. */
  pendingDrained(stream: string): void {
    this.#pendingPhase.delete(stream);
  }

  /** A read of new entries came back: with entries (busy) or after the block timeout. */
  newEntriesRead(gotEntries: boolean): void {
    this.#busy = gotEntries;
  }

  /** After a failed step, entries read but not acknowledged are re-read from the pending lists. */
  rereadPending(): void {
    for (const stream of this.#streams) this.#pendingPhase.add(stream);
  }

  /** Whether the memory report is due at `now`; if so, schedules the next. */
  takeReportDue(now: number): boolean {
    if (now < this.#nextReport) return false;
    this.#nextReport = now + this.#intervals.reportIntervalMs;
    return true;
  }

  /**
   * Acknowledgement time not yet counted. A MULTI's own duration is known only afterwards: it
   * rides on the next batch, taken here so that batches acknowledged side by side count it once.
   */
  takeUnreportedAckMs(): number {
    const carried = this.#unreportedAckMs;
    this.#unreportedAckMs = 0;
    return carried;
  }

  /** `ms` of acknowledgement to count with a later batch (also a carried share that failed). */
  addUnreportedAckMs(ms: number): void {
    this.#unreportedAckMs += ms;
  }
}

/** Exponential backoff: the delay before retry `attempt` (1-based), capped at `maxMs`. */
export function retryDelayMs(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt - 1, 20));
}
