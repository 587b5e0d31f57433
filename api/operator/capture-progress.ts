// What the operator knows about capture: the latest progress read from the running
// collector's JMX metrics, and whether capture has reached CDC since the last reset (that
// survives a pause or a restart of the collector; the phase stays `cdc` meanwhile).

import { scrapeMetrics } from '../exporter/prometheus-text.ts';
import { collectorProgress } from './collector-progress.ts';
import { isCdc, type CollectorProgress } from './pipeline-phase.ts';

export class CaptureProgress {
  #progress: CollectorProgress | undefined;
  #reachedCdc = false;

  get progress(): CollectorProgress | undefined {
    return this.#progress;
  }

  get reachedCdc(): boolean {
    return this.#reachedCdc;
  }

  /** Reads the collector's metrics while it runs; forgets the progress when it does not. */
  async observe(collectorRunning: boolean, metricsUrl: string | undefined): Promise<void> {
    if (!collectorRunning) {
      this.#progress = undefined;
      return;
    }
    if (metricsUrl === undefined) return;
    const samples = await scrapeMetrics(metricsUrl);
    if (samples === undefined) return;
    this.#progress = collectorProgress(samples);
    if (isCdc(this.#progress)) this.#reachedCdc = true;
  }

  /** A new collector starts: its predecessor's progress no longer holds. */
  collectorStarting(): void {
    this.#progress = undefined;
  }

  /** After a reset or the loss of leadership: capture starts from the beginning. */
  forget(): void {
    this.#progress = undefined;
    this.#reachedCdc = false;
  }
}
