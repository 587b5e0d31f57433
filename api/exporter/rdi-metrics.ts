// The exporter's metrics with RDI's names, on a registry of their own. Every value is set in
// a collect callback from one snapshot of the RDI database per scrape (shared by all metrics
// through a short-lived cache), so the numbers of one scrape agree with each other.

import { Counter, Gauge, type Registry } from 'prom-client';
import type { ProcessorNumber, ProcessorStats } from '../../pipeline/records/processor-stats.ts';
import { PIPELINE_PHASES } from '../operator/pipeline-phase.ts';
import type { ExporterSnapshot } from './exporter-snapshot.ts';
import { registerDebeziumPassThrough } from './debezium-passthrough.ts';
import { registerSluiceMetrics } from './sluice-metrics.ts';

export type SnapshotReader = () => Promise<ExporterSnapshot | undefined>;

const OPERATIONS = ['inserted', 'updated', 'deleted', 'filtered', 'rejected'] as const;

/** RDI's engine state and sync mode for an operator phase. */
const ENGINE: Readonly<Record<string, readonly [string, string]>> = {
  starting: ['STARTING', 'UNKNOWN'],
  initial_sync: ['RUNNING', 'SNAPSHOT'],
  cdc: ['RUNNING', 'STREAMING'],
  stopping: ['STOPPING', 'UNKNOWN'],
  stopped: ['STOPPED', 'UNKNOWN'],
  resetting: ['RESETTING', 'UNKNOWN'],
  error: ['ERROR', 'UNKNOWN'],
  not_running: ['STOPPED', 'UNKNOWN'],
};

/** Processor timings: the counter in `sluice:stats:processor` of each `_total`, `_last`. */
const TIMINGS = {
  batch_size: { total: ['records'], last: ['last_batch_size'] },
  read_time_ms: { total: ['read_time_ms'], last: ['last_read_time_ms'] },
  transform_time_ms: { total: ['transform_time_ms'], last: ['last_transform_time_ms'] },
  write_time_ms: { total: ['write_time_ms'], last: ['last_write_time_ms'] },
  process_time_ms: {
    total: ['transform_time_ms', 'write_time_ms'],
    last: ['last_transform_time_ms', 'last_write_time_ms'],
  },
  ack_time_ms: { total: ['ack_time_ms'], last: [] },
  total_time_ms: {
    total: ['read_time_ms', 'transform_time_ms', 'write_time_ms', 'ack_time_ms'],
    last: ['last_read_time_ms', 'last_transform_time_ms', 'last_write_time_ms'],
  },
} as const;

export interface RdiMetricsOptions {
  readonly registry: Registry;
  readonly read: SnapshotReader;
  readonly pipeline: string;
  /** The operator whose leadership `rdi_operator_is_leader` reports; default the holder. */
  readonly operatorId: string | undefined;
}

export function registerRdiMetrics(opts: RdiMetricsOptions): void {
  const { registry, read, pipeline } = opts;
  const registers = [registry];
  const sum = (stats: ProcessorStats, names: readonly ProcessorNumber[]): number =>
    names.reduce((total, name) => total + stats[name], 0);
  const setCounter = (counter: Counter, value: number, labels = {}): void => {
    counter.inc(labels, value);
  };

  new Gauge({
    name: 'sluice_exporter_rdi_up',
    help: '1 when the last scrape could read the RDI database.',
    registers,
    async collect() {
      this.set((await read()) === undefined ? 0 : 1);
    },
  });
  new Gauge({
    name: 'rdi_engine_state',
    help: 'Pipeline engine state and sync mode (1 for the current combination).',
    labelNames: ['state', 'sync_mode'],
    registers,
    async collect() {
      this.reset();
      const snapshot = await read();
      if (snapshot === undefined) return;
      const [state, syncMode] = ENGINE[snapshot.phase] ?? ['UNKNOWN', 'UNKNOWN'];
      this.set({ state, sync_mode: syncMode }, 1);
    },
  });
  new Gauge({
    name: 'rdi_incoming_entries',
    help: 'Entries per change stream and operation (pending: in the stream, not yet processed).',
    labelNames: ['data_source', 'operation'],
    registers,
    async collect() {
      this.reset();
      for (const s of (await read())?.streams ?? []) {
        this.set({ data_source: s.table, operation: 'pending' }, s.pending + s.lag);
        for (const operation of OPERATIONS)
          this.set({ data_source: s.table, operation }, s[operation]);
      }
    },
  });
  new Gauge({
    name: 'rdi_stream_event_latency_ms',
    help: 'Source commit to target write of the newest record of the last batch, per stream.',
    labelNames: ['data_source'],
    registers,
    async collect() {
      this.reset();
      for (const s of (await read())?.streams ?? []) {
        if (s.lastLatencyMs !== undefined) this.set({ data_source: s.table }, s.lastLatencyMs);
      }
    },
  });
  new Counter({
    name: 'rdi_processed_batches_total',
    help: 'Batches the processor has written to the target.',
    registers,
    async collect() {
      this.reset();
      const snapshot = await read();
      if (snapshot !== undefined) setCounter(this, sum(snapshot.processor, ['batches']));
    },
  });
  for (const [name, fields] of Object.entries(TIMINGS)) {
    new Counter({
      name: `rdi_processor_${name}_total`,
      help: `Sum over all batches of the processor's ${name.replaceAll('_', ' ')}.`,
      registers,
      async collect() {
        this.reset();
        const snapshot = await read();
        if (snapshot !== undefined) setCounter(this, sum(snapshot.processor, fields.total));
      },
    });
    new Gauge({
      name: `rdi_processor_${name}_last`,
      help: `The processor's ${name.replaceAll('_', ' ')} of its last batch.`,
      registers,
      async collect() {
        this.reset();
        const snapshot = await read();
        if (snapshot !== undefined && fields.last.length > 0) {
          this.set(sum(snapshot.processor, fields.last));
        }
      },
    });
  }
  new Gauge({
    name: 'rdi_operator_is_leader',
    help: '1 when the operator holds the leader lease.',
    labelNames: ['operator'],
    registers,
    async collect() {
      this.reset();
      const lease = (await read())?.lease;
      if (opts.operatorId !== undefined) {
        this.set({ operator: opts.operatorId }, lease?.holder === opts.operatorId ? 1 : 0);
      } else if (lease !== undefined) {
        this.set({ operator: lease.holder }, 1);
      }
    },
  });
  new Gauge({
    name: 'rdi_operator_pipeline_phase',
    help: 'Phase the operator reports for the pipeline (1 for the current phase).',
    labelNames: ['pipeline', 'phase'],
    registers,
    async collect() {
      this.reset();
      const snapshot = await read();
      if (snapshot === undefined) return;
      for (const phase of [...PIPELINE_PHASES, 'not_running']) {
        this.set({ pipeline, phase }, snapshot.phase === phase ? 1 : 0);
      }
    },
  });
  const totals = {
    incoming_records_total: (s: ExporterSnapshot['streams'][number]) => s.total + s.pending + s.lag,
    processed_records_total: (s: ExporterSnapshot['streams'][number]) => s.total,
    rejected_records_total: (s: ExporterSnapshot['streams'][number]) => s.rejected,
    filtered_records_total: (s: ExporterSnapshot['streams'][number]) => s.filtered,
  };
  for (const [name, pick] of Object.entries(totals)) {
    new Counter({
      name,
      help: `All streams: ${name.replace(/_total$/, '').replaceAll('_', ' ')}.`,
      registers,
      async collect() {
        this.reset();
        const streams = (await read())?.streams ?? [];
        setCounter(
          this,
          streams.reduce((total, s) => total + pick(s), 0),
        );
      },
    });
  }
  new Gauge({
    name: 'sluice_backpressure_active',
    help: "1 while the processor's backpressure flag is raised (capture paused).",
    labelNames: ['reason'],
    registers,
    async collect() {
      this.reset();
      const backpressure = (await read())?.backpressure;
      if (backpressure === undefined) return;
      this.set({ reason: backpressure.reason ?? '' }, backpressure.active ? 1 : 0);
    },
  });
  registerSluiceMetrics(registry, read, pipeline);
  registerDebeziumPassThrough(registry, read);
}
