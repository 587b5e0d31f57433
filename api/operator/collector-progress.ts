// Reads capture progress from Debezium's JMX metrics (the bundled JMX exporter agent's
// Prometheus text): snapshot running / completed, tables and rows, streaming connected.

import type { Sample } from '../exporter/prometheus-text.ts';
import type { CollectorProgress } from './pipeline-phase.ts';

function values(samples: readonly Sample[], name: string, context: string): number[] {
  return samples
    .filter((s) => s.name === `debezium_metrics_${name}` && s.labels.context === context)
    .map((s) => s.value);
}

function first(samples: readonly Sample[], name: string, context: string): number | undefined {
  return values(samples, name, context)[0];
}

/** Undefined when the samples hold no Debezium connector metrics (yet). */
export function collectorProgress(samples: readonly Sample[]): CollectorProgress | undefined {
  const running = first(samples, 'SnapshotRunning', 'snapshot');
  const completed = first(samples, 'SnapshotCompleted', 'snapshot');
  const connected = first(samples, 'Connected', 'streaming');
  if (running === undefined && completed === undefined && connected === undefined) return undefined;
  const rows = values(samples, 'RowsScanned', 'snapshot');
  return {
    snapshotRunning: running === 1,
    snapshotCompleted: completed === 1,
    streamingConnected: connected === 1,
    tablesTotal: first(samples, 'TotalTableCount', 'snapshot'),
    tablesRemaining: first(samples, 'RemainingTableCount', 'snapshot'),
    rowsScanned: rows.length === 0 ? undefined : rows.reduce((sum, v) => sum + v, 0),
  };
}
