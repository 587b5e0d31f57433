// Shares one RDI database snapshot between all metrics of a scrape: the first collect
// callback starts the read, the others reuse it while it is younger than `maxAgeMs`. A read
// that fails yields undefined (the metrics then report "down") and is logged once per scrape.

import type { Clock, Logger } from '../../processor/ports.ts';
import type { ExporterSnapshot } from './exporter-snapshot.ts';

export function cachedSnapshot(opts: {
  read: () => Promise<ExporterSnapshot>;
  clock: Clock;
  logger: Logger;
  maxAgeMs: number;
}): () => Promise<ExporterSnapshot | undefined> {
  let cached: { at: number; value: Promise<ExporterSnapshot | undefined> } | undefined;
  return () => {
    const now = opts.clock.now();
    if (cached === undefined || now - cached.at > opts.maxAgeMs) {
      cached = {
        at: now,
        value: opts.read().catch((error: unknown) => {
          opts.logger.warn('Reading the RDI database failed.', { error: String(error) });
          return undefined;
        }),
      };
    }
    return cached.value;
  };
}
