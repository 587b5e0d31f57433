// Bounds what one read holds in memory. `read_batch_size` counts entries, but an entry may be
// 300 bytes or 30 KB (Debezium's JSON carries its schema in every entry): the processor also
// keeps a byte budget per read (`read_batch_bytes`) and asks each stream for at most as many
// entries as fit, judged by the mean size of the entries read so far. Pure.

const FIRST_READ = 64;

export class ReadBudget {
  readonly #maxEntries: number;
  readonly #budgetBytes: number;
  /** Mean entry size seen so far (exponentially weighted); unknown before the first read. */
  #meanBytes: number | undefined;

  constructor(maxEntries: number, budgetBytes: number) {
    this.#maxEntries = maxEntries;
    this.#budgetBytes = budgetBytes;
  }

  /**
   * COUNT for a read of `streams` streams: within both limits, never below 1. Until entries
   * have been seen, a small first read (at most FIRST_READ entries) learns their size.
   */
  count(streams: number): number {
    if (this.#meanBytes === undefined) return Math.min(this.#maxEntries, FIRST_READ);
    const fit = Math.floor(this.#budgetBytes / (this.#meanBytes * Math.max(1, streams)));
    return Math.max(1, Math.min(this.#maxEntries, fit));
  }

  /** Learns from the entries of a read (XREADGROUP's `[id, fields]` pairs): their mean size. */
  observe(entries: readonly (readonly [string, readonly string[] | null])[]): void {
    if (entries.length === 0) return;
    let bytes = 0;
    for (const [, fields] of entries) {
      for (const field of fields ?? []) bytes += field.length;
    }
    const mean = bytes / entries.length;
    this.#meanBytes = this.#meanBytes === undefined ? mean : 0.7 * this.#meanBytes + 0.3 * mean;
  }
}
