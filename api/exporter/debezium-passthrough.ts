// Selected series of Debezium's own JMX metrics (scraped from the collector's JMX exporter
// agent at each scrape) passed through under their original names, plus whether that scrape
// worked: connection, lag, queue and errors of streaming, and snapshot progress. Enough for the
// overview dashboard and the alerts where Prometheus cannot scrape the collector itself.

import { Gauge, type Registry } from 'prom-client';
import type { ExporterSnapshot } from './exporter-snapshot.ts';

const PASSED = [
  'Connected',
  'MilliSecondsBehindSource',
  'RowsScanned',
  'RemainingTableCount',
  'TotalTableCount',
  'SnapshotRunning',
  'SnapshotCompleted',
  'QueueTotalCapacity',
  'QueueRemainingCapacity',
  'NumberOfErroneousEvents',
  'MilliSecondsSinceLastEvent',
  'TotalNumberOfEventsSeen',
] as const;

const LABELS = ['plugin', 'name', 'context', 'table'] as const;

export function registerDebeziumPassThrough(
  registry: Registry,
  read: () => Promise<ExporterSnapshot | undefined>,
): void {
  const registers = [registry];
  new Gauge({
    name: 'sluice_collector_metrics_up',
    help: "1 when Debezium's JMX exporter endpoint answered the last scrape.",
    registers,
    async collect() {
      this.set((await read())?.debezium === undefined ? 0 : 1);
    },
  });
  for (const metric of PASSED) {
    const name = `debezium_metrics_${metric}`;
    new Gauge({
      name,
      help: `Debezium's ${metric} (JMX), passed through from the collector.`,
      labelNames: LABELS,
      registers,
      async collect() {
        this.reset();
        for (const sample of (await read())?.debezium ?? []) {
          if (sample.name !== name) continue;
          const labels: Partial<Record<(typeof LABELS)[number], string>> = {};
          for (const label of LABELS) {
            const value = sample.labels[label];
            if (value !== undefined) labels[label] = value;
          }
          this.set(labels, sample.value);
        }
      },
    });
  }
}
