// Metrics RDI has no name for, prefixed `sluice_`: dead-letter sizes, the operator's children
// (state, restarts) and how fresh its status is, the snapshot's progress as the operator
// records it, and the processor's memory. Set from the same per-scrape snapshot as the RDI ones.

import { Counter, Gauge, type Registry } from 'prom-client';
import { SINK_MEMORY_STALL } from '../operator/sink-memory-stall.ts';
import type { ExporterSnapshot } from './exporter-snapshot.ts';

/** A processor memory report older than this is a processor that stopped reporting. */
export const PROCESSOR_REPORT_MAX_AGE_MS = 30_000;

/** Child states the operator reports (supervised-child.ts), each a series of sluice_component_state. */
const COMPONENT_STATES = [
  'stopped',
  'starting',
  'running',
  'stopping',
  'exited',
  'paused',
] as const;

// Gauges that may have no value carry a label (pipeline, consumer): prom-client would print an
// unlabelled gauge without a value as 0, and a 0 is not the same as "not known".
export function registerSluiceMetrics(
  registry: Registry,
  read: () => Promise<ExporterSnapshot | undefined>,
  pipeline: string,
): void {
  const registers = [registry];
  new Gauge({
    name: 'sluice_dlq_entries',
    help: 'Rejected records held in the dead-letter stream of each change stream.',
    labelNames: ['data_source'],
    registers,
    async collect() {
      this.reset();
      for (const s of (await read())?.streams ?? []) {
        this.set({ data_source: s.table }, s.dlq_length);
      }
    },
  });
  new Gauge({
    name: 'sluice_component_up',
    help: '1 while the operator reports the child (collector, processor) running, else 0.',
    labelNames: ['component', 'type'],
    registers,
    async collect() {
      this.reset();
      for (const c of (await read())?.components ?? []) {
        this.set({ component: c.name, type: c.type }, c.state === 'running' ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'sluice_component_state',
    help: "The operator's child state (1 for the current one).",
    labelNames: ['component', 'type', 'state'],
    registers,
    async collect() {
      this.reset();
      for (const c of (await read())?.components ?? []) {
        const states = COMPONENT_STATES.includes(c.state as (typeof COMPONENT_STATES)[number])
          ? COMPONENT_STATES
          : [...COMPONENT_STATES, c.state];
        for (const state of states) {
          this.set({ component: c.name, type: c.type, state }, c.state === state ? 1 : 0);
        }
      }
    },
  });
  new Counter({
    name: 'sluice_component_restarts_total',
    help: 'Starts of the child after it ended on its own (pauses, stops, deploys not counted).',
    labelNames: ['component', 'type'],
    registers,
    async collect() {
      this.reset();
      for (const c of (await read())?.components ?? []) {
        this.inc({ component: c.name, type: c.type }, c.restarts);
      }
    },
  });
  new Gauge({
    name: 'sluice_operator_status_age_seconds',
    help: 'Seconds since the leading operator last wrote the pipeline status.',
    labelNames: ['pipeline'],
    registers,
    async collect() {
      this.reset();
      const snapshot = await read();
      if (snapshot?.statusUpdatedAt === undefined) return;
      this.set({ pipeline }, Math.max(0, (snapshot.readAt - snapshot.statusUpdatedAt) / 1000));
    },
  });
  new Gauge({
    name: 'sluice_collector_memory_stall',
    help: "1 while Debezium's Redis sink holds changes back for lack of RDI database memory and the processor has nothing left to read (status error COLLECTOR_MEMORY_STALL), else 0.",
    labelNames: ['pipeline'],
    registers,
    async collect() {
      this.reset();
      const codes = (await read())?.errorCodes;
      if (codes === undefined) return;
      this.set({ pipeline }, codes.includes(SINK_MEMORY_STALL) ? 1 : 0);
    },
  });
  const progress = {
    sluice_snapshot_completed: {
      help: '1 once every snapshot row is in the target (initial sync done), else 0.',
      pick: (p: NonNullable<ExporterSnapshot['snapshot']>) => (p.completed ? 1 : 0),
    },
    sluice_snapshot_tables_total: {
      help: 'Tables the snapshot copies.',
      pick: (p: NonNullable<ExporterSnapshot['snapshot']>) => p.tablesTotal,
    },
    sluice_snapshot_tables_completed: {
      help: 'Tables the snapshot has finished reading.',
      pick: (p: NonNullable<ExporterSnapshot['snapshot']>) => p.tablesCompleted,
    },
    sluice_snapshot_rows_scanned: {
      help: 'Rows the snapshot has read from the source.',
      pick: (p: NonNullable<ExporterSnapshot['snapshot']>) => p.rowsScanned,
    },
  };
  for (const [name, { help, pick }] of Object.entries(progress)) {
    new Gauge({
      name,
      help,
      labelNames: ['pipeline'],
      registers,
      async collect() {
        this.reset();
        const record = (await read())?.snapshot;
        const value = record === undefined ? undefined : pick(record);
        if (value !== undefined) this.set({ pipeline }, value);
      },
    });
  }
  const memory = {
    sluice_processor_resident_memory_bytes: {
      field: 'rss_bytes',
      help: "The processor's resident set size (RSS), as it last reported it.",
    },
    sluice_processor_heap_used_bytes: {
      field: 'heap_used_bytes',
      help: "The processor's V8 heap in use, as it last reported it.",
    },
  } as const;
  for (const [name, { field, help }] of Object.entries(memory)) {
    new Gauge({
      name,
      help,
      labelNames: ['consumer'],
      registers,
      async collect() {
        this.reset();
        const snapshot = await read();
        const value = snapshot?.processor[field];
        const at = snapshot?.processor.resources_at ?? 0;
        // A stale report belongs to a processor that is gone: no series rather than a stale one.
        if (value === undefined || snapshot === undefined) return;
        if (snapshot.readAt - at > PROCESSOR_REPORT_MAX_AGE_MS) return;
        this.set({ consumer: snapshot.processor.consumer ?? '' }, value);
      },
    });
  }
}
