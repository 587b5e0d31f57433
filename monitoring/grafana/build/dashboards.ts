// The three Sluice dashboards: pipeline overview (in the spirit of RDI's), collector (Debezium
// Server's JMX metrics scraped from its agent) and processor. Every query selects its job
// through a variable, so the exporter's pass-through of Debezium metrics and the collector's
// own series never add up twice. monitoring/README.md describes each panel.

import { panel, type DashboardSpec, type PanelSpec, type VariableSpec } from './dashboard-model.ts';

const E = 'job=~"$exporter_job"';
const C = 'job=~"$collector_job"';
const TABLES = `${E}, data_source=~"$data_source"`;
const RATE = '[$__rate_interval]';

const exporterJob: VariableSpec = {
  name: 'exporter_job',
  label: 'Exporter job',
  query: 'label_values(sluice_exporter_rdi_up, job)',
  current: 'sluice-exporter',
};
const collectorJob: VariableSpec = {
  name: 'collector_job',
  label: 'Collector job',
  query: 'label_values(debezium_metrics_QueueTotalCapacity, job)',
  current: 'sluice-collector',
};
const pipeline: VariableSpec = {
  name: 'pipeline',
  label: 'Pipeline',
  query: `label_values(rdi_operator_pipeline_phase{${E}}, pipeline)`,
  current: 'default',
};
const dataSource: VariableSpec = {
  name: 'data_source',
  label: 'Table',
  query: `label_values(rdi_incoming_entries{${E}}, data_source)`,
  current: '$__all',
  includeAll: true,
  multi: true,
};

const ON_OFF = [
  { value: '0', text: 'OFF', color: 'green' },
  { value: '1', text: 'ON', color: 'red' },
];
const UP_DOWN = [
  { value: '0', text: 'DOWN', color: 'red' },
  { value: '1', text: 'UP', color: 'green' },
];
const NAME_ONLY = { textMode: 'name', colorMode: 'background', graphMode: 'none' };
const STACKED = {
  drawStyle: 'line',
  lineWidth: 1,
  fillOpacity: 30,
  showPoints: 'never',
  stacking: { mode: 'normal', group: 'A' },
};

function stat(spec: Omit<PanelSpec, 'type' | 'width' | 'height'>, width = 4): PanelSpec {
  return panel({ type: 'stat', ...spec }, width, 4);
}

export const overview: DashboardSpec = {
  uid: 'sluice-overview',
  title: 'Sluice / Pipeline overview',
  description:
    'Phase, snapshot, per-table changes, backlog, latency, DLQ, backpressure, components.',
  variables: [exporterJob, pipeline, dataSource],
  rows: [
    {
      title: 'Pipeline',
      panels: [
        stat({
          title: 'Phase',
          description: 'The phase the leading operator reports for the pipeline.',
          targets: [
            {
              expr: `rdi_operator_pipeline_phase{${E}, pipeline="$pipeline"} == 1`,
              legendFormat: '{{phase}}',
              instant: true,
            },
          ],
          options: NAME_ONLY,
        }),
        stat({
          title: 'Engine state',
          description:
            "RDI's engine state and sync mode (SNAPSHOT = initial sync, STREAMING = CDC).",
          targets: [
            {
              expr: `rdi_engine_state{${E}} == 1`,
              legendFormat: '{{state}} {{sync_mode}}',
              instant: true,
            },
          ],
          options: NAME_ONLY,
        }),
        stat({
          title: 'Backpressure',
          description:
            'ON while the processor asks for capture to pause (backlog, memory or target).',
          targets: [
            { expr: `max(sluice_backpressure_active{${E}})`, legendFormat: 'backpressure' },
          ],
          mappings: ON_OFF,
          thresholds: [
            { value: null, color: 'green' },
            { value: 1, color: 'red' },
          ],
        }),
        panel(
          {
            type: 'gauge',
            title: 'Snapshot progress',
            description: 'Tables the initial snapshot has finished reading, of all it copies.',
            targets: [
              {
                expr: `sluice_snapshot_tables_completed{${E}, pipeline="$pipeline"} / sluice_snapshot_tables_total{${E}, pipeline="$pipeline"}`,
                legendFormat: 'tables',
              },
            ],
            unit: 'percentunit',
            min: 0,
            max: 1,
          },
          4,
          4,
        ),
        stat({
          title: 'Snapshot rows scanned',
          description: 'Rows the snapshot read from the source (kept after it completes).',
          targets: [
            {
              expr: `sluice_snapshot_rows_scanned{${E}, pipeline="$pipeline"}`,
              legendFormat: 'rows',
            },
          ],
        }),
        stat({
          title: 'Rejected records in DLQs',
          description: 'Records held in the dead-letter streams of the selected tables.',
          targets: [{ expr: `sum(sluice_dlq_entries{${TABLES}})`, legendFormat: 'dead letters' }],
          thresholds: [
            { value: null, color: 'green' },
            { value: 1, color: 'orange' },
          ],
        }),
      ],
    },
    {
      title: 'Changes per table',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Inserts, updates, deletes per second',
          description: 'Records the processor applied, per table and operation.',
          targets: [
            {
              expr: `sum by (data_source, operation) (rate(rdi_incoming_entries{${TABLES}, operation=~"inserted|updated|deleted"}${RATE}))`,
              legendFormat: '{{data_source}} {{operation}}',
            },
          ],
          unit: 'ops',
        }),
        panel({
          type: 'timeseries',
          title: 'Filtered and rejected per second',
          description: 'Records a job filtered out, and records sent to the DLQ, per table.',
          targets: [
            {
              expr: `sum by (data_source, operation) (rate(rdi_incoming_entries{${TABLES}, operation=~"filtered|rejected"}${RATE}))`,
              legendFormat: '{{data_source}} {{operation}}',
            },
          ],
          unit: 'ops',
        }),
        panel({
          type: 'timeseries',
          title: 'Records per second (all tables)',
          description: 'Entries arriving in the change streams and entries processed.',
          targets: [
            { expr: `rate(incoming_records_total{${E}}${RATE})`, legendFormat: 'incoming' },
            { expr: `rate(processed_records_total{${E}}${RATE})`, legendFormat: 'processed' },
          ],
          unit: 'ops',
        }),
        panel({
          type: 'bargauge',
          title: 'Totals per table',
          description: 'Counts since the last reset, per table and operation.',
          targets: [
            {
              expr: `sum by (data_source, operation) (rdi_incoming_entries{${TABLES}, operation!="pending"})`,
              legendFormat: '{{data_source}} {{operation}}',
              instant: true,
            },
          ],
        }),
      ],
    },
    {
      title: 'Backlog and lag',
      panels: [
        panel(
          {
            type: 'timeseries',
            title: 'Backlog per stream',
            description: 'Entries in each change stream not yet processed (pending + not read).',
            targets: [
              {
                expr: `rdi_incoming_entries{${TABLES}, operation="pending"}`,
                legendFormat: '{{data_source}}',
              },
            ],
          },
          8,
        ),
        panel(
          {
            type: 'timeseries',
            title: 'End-to-end latency per stream',
            description:
              "Source commit to target write of the newest record of each stream's last batch.",
            targets: [
              {
                expr: `rdi_stream_event_latency_ms{${TABLES}}`,
                legendFormat: '{{data_source}}',
              },
            ],
            unit: 'ms',
          },
          8,
        ),
        panel(
          {
            type: 'timeseries',
            title: 'Collector lag behind source',
            description:
              "Debezium's MilliSecondsBehindSource (streaming), passed through by the exporter.",
            targets: [
              {
                expr: `debezium_metrics_MilliSecondsBehindSource{${E}, context="streaming"}`,
                legendFormat: '{{name}}',
              },
            ],
            unit: 'ms',
          },
          8,
        ),
      ],
    },
    {
      title: 'Dead letters and backpressure',
      panels: [
        panel({
          type: 'timeseries',
          title: 'DLQ size per stream',
          description:
            'Records in each dead-letter stream (capped at processors.dlq_max_messages).',
          targets: [{ expr: `sluice_dlq_entries{${TABLES}}`, legendFormat: '{{data_source}}' }],
        }),
        panel({
          type: 'state-timeline',
          title: 'Backpressure over time',
          description: 'When the backpressure flag was raised (the collector is paused meanwhile).',
          targets: [
            { expr: `max(sluice_backpressure_active{${E}})`, legendFormat: 'backpressure' },
          ],
          mappings: ON_OFF,
          thresholds: [
            { value: null, color: 'green' },
            { value: 1, color: 'red' },
          ],
        }),
      ],
    },
    {
      title: 'Components',
      panels: [
        panel({
          type: 'state-timeline',
          title: 'Components running',
          description: 'Whether the operator reports each child (collector, processor) running.',
          targets: [{ expr: `sluice_component_up{${E}}`, legendFormat: '{{type}}' }],
          mappings: UP_DOWN,
          thresholds: [
            { value: null, color: 'red' },
            { value: 1, color: 'green' },
          ],
        }),
        panel(
          {
            type: 'timeseries',
            title: 'Component restarts per hour',
            description:
              'Starts of a child after it ended on its own (not pauses, stops or deploys).',
            targets: [
              {
                expr: `sum by (type) (increase(sluice_component_restarts_total{${E}}[1h]))`,
                legendFormat: '{{type}}',
              },
            ],
          },
          6,
        ),
        stat(
          {
            title: 'Restarts in this term',
            description: 'Restarts counted by the leading operator since it took the lead.',
            targets: [
              {
                expr: `sum by (type) (sluice_component_restarts_total{${E}})`,
                legendFormat: '{{type}}',
              },
            ],
          },
          6,
        ),
        stat(
          {
            title: 'Leading operator',
            description: 'The operator that holds the leader lease.',
            targets: [
              {
                expr: `rdi_operator_is_leader{${E}} == 1`,
                legendFormat: '{{operator}}',
                instant: true,
              },
            ],
            options: NAME_ONLY,
          },
          6,
        ),
        stat(
          {
            title: 'Operator status age',
            description:
              'Seconds since the leading operator last wrote the status (it writes every tick).',
            targets: [
              {
                expr: `sluice_operator_status_age_seconds{${E}, pipeline="$pipeline"}`,
                legendFormat: 'age',
              },
            ],
            unit: 's',
            thresholds: [
              { value: null, color: 'green' },
              { value: 30, color: 'red' },
            ],
          },
          6,
        ),
        stat(
          {
            title: 'Metric sources',
            description: 'Whether the exporter reached the RDI database and the collector metrics.',
            targets: [
              { expr: `sluice_exporter_rdi_up{${E}}`, legendFormat: 'RDI database' },
              { expr: `sluice_collector_metrics_up{${E}}`, legendFormat: 'collector metrics' },
            ],
            mappings: UP_DOWN,
            thresholds: [
              { value: null, color: 'red' },
              { value: 1, color: 'green' },
            ],
          },
          6,
        ),
      ],
    },
  ],
};

export const collector: DashboardSpec = {
  uid: 'sluice-collector',
  title: 'Sluice / Collector (Debezium Server)',
  description:
    "Debezium Server's JMX metrics: connection, lag, queue, events, errors, snapshot, JVM.",
  variables: [collectorJob, exporterJob],
  rows: [
    {
      title: 'Connection and lag',
      panels: [
        stat({
          title: 'Connected',
          description:
            "Debezium's Connected (streaming): the connector's link to the source database.",
          targets: [
            {
              expr: `debezium_metrics_Connected{${C}, context="streaming"}`,
              legendFormat: '{{name}}',
            },
          ],
          mappings: [
            { value: '0', text: 'DISCONNECTED', color: 'red' },
            { value: '1', text: 'CONNECTED', color: 'green' },
          ],
          thresholds: [
            { value: null, color: 'red' },
            { value: 1, color: 'green' },
          ],
        }),
        stat({
          title: 'Metrics endpoint',
          description: "Whether Prometheus reached the collector's JMX exporter agent.",
          targets: [{ expr: `up{${C}}`, legendFormat: '{{instance}}' }],
          mappings: UP_DOWN,
          thresholds: [
            { value: null, color: 'red' },
            { value: 1, color: 'green' },
          ],
        }),
        panel(
          {
            type: 'timeseries',
            title: 'Lag behind source',
            description:
              'MilliSecondsBehindSource: source commit time to the connector reading the change.',
            targets: [
              {
                expr: `debezium_metrics_MilliSecondsBehindSource{${C}, context="streaming"}`,
                legendFormat: '{{name}}',
              },
            ],
            unit: 'ms',
          },
          8,
        ),
        panel(
          {
            type: 'timeseries',
            title: 'Time since last event',
            description:
              'MilliSecondsSinceLastEvent: grows while the source is idle or capture stalls.',
            targets: [
              {
                expr: `debezium_metrics_MilliSecondsSinceLastEvent{${C}, context="streaming"}`,
                legendFormat: '{{name}}',
              },
            ],
            unit: 'ms',
          },
          8,
        ),
      ],
    },
    {
      title: 'Queue',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Queue usage',
          description: "Share of the connector's change-event queue in use (max.queue.size).",
          targets: [
            {
              expr: `1 - debezium_metrics_QueueRemainingCapacity{${C}} / debezium_metrics_QueueTotalCapacity{${C}}`,
              legendFormat: '{{context}}',
            },
          ],
          unit: 'percentunit',
          min: 0,
          max: 1,
        }),
        panel({
          type: 'timeseries',
          title: 'Queue size in bytes',
          description: 'CurrentQueueSizeInBytes (bounded by max.queue.size.in.bytes when set).',
          targets: [
            {
              expr: `debezium_metrics_CurrentQueueSizeInBytes{${C}}`,
              legendFormat: '{{context}}',
            },
          ],
          unit: 'bytes',
        }),
      ],
    },
    {
      title: 'Events and errors',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Change events per second',
          description: 'Create, update and delete events the connector read while streaming.',
          targets: [
            {
              expr: `rate(debezium_metrics_TotalNumberOfCreateEventsSeen{${C}, context="streaming"}${RATE})`,
              legendFormat: 'create',
            },
            {
              expr: `rate(debezium_metrics_TotalNumberOfUpdateEventsSeen{${C}, context="streaming"}${RATE})`,
              legendFormat: 'update',
            },
            {
              expr: `rate(debezium_metrics_TotalNumberOfDeleteEventsSeen{${C}, context="streaming"}${RATE})`,
              legendFormat: 'delete',
            },
          ],
          unit: 'ops',
        }),
        panel({
          type: 'timeseries',
          title: 'Committed transactions per second',
          description: 'NumberOfCommittedTransactions read from the source.',
          targets: [
            {
              expr: `rate(debezium_metrics_NumberOfCommittedTransactions{${C}, context="streaming"}${RATE})`,
              legendFormat: '{{name}}',
            },
          ],
          unit: 'ops',
        }),
        panel({
          type: 'timeseries',
          title: 'Erroneous and filtered events',
          description:
            'NumberOfErroneousEvents and NumberOfEventsFiltered since the collector started.',
          targets: [
            {
              expr: `debezium_metrics_NumberOfErroneousEvents{${C}, context="streaming"}`,
              legendFormat: 'erroneous',
            },
            {
              expr: `debezium_metrics_NumberOfEventsFiltered{${C}, context="streaming"}`,
              legendFormat: 'filtered',
            },
          ],
        }),
        panel({
          type: 'timeseries',
          title: 'Collector restarts',
          description:
            'Restarts of Debezium Server by the operator in this term (it exits when its engine fails).',
          targets: [
            {
              expr: `sluice_component_restarts_total{job=~"$exporter_job", type="collector"}`,
              legendFormat: '{{component}}',
            },
          ],
        }),
      ],
    },
    {
      title: 'Snapshot',
      panels: [
        stat(
          {
            title: 'Snapshot state',
            description: 'SnapshotRunning and SnapshotCompleted of the current collector run.',
            targets: [
              {
                expr: `debezium_metrics_SnapshotRunning{${C}, context="snapshot"}`,
                legendFormat: 'running',
              },
              {
                expr: `debezium_metrics_SnapshotCompleted{${C}, context="snapshot"}`,
                legendFormat: 'completed',
              },
            ],
            mappings: [
              { value: '0', text: 'no', color: 'text' },
              { value: '1', text: 'yes', color: 'green' },
            ],
          },
          6,
        ),
        stat(
          {
            title: 'Snapshot tables',
            description: 'TotalTableCount and RemainingTableCount.',
            targets: [
              {
                expr: `debezium_metrics_TotalTableCount{${C}, context="snapshot"}`,
                legendFormat: 'total',
              },
              {
                expr: `debezium_metrics_RemainingTableCount{${C}, context="snapshot"}`,
                legendFormat: 'remaining',
              },
            ],
          },
          6,
        ),
        stat(
          {
            title: 'Snapshot duration',
            description: 'SnapshotDurationInSeconds of the last (or running) snapshot.',
            targets: [
              {
                expr: `debezium_metrics_SnapshotDurationInSeconds{${C}, context="snapshot"}`,
                legendFormat: '{{name}}',
              },
            ],
            unit: 's',
          },
          6,
        ),
        panel(
          {
            type: 'bargauge',
            title: 'Rows scanned per table',
            description: 'RowsScanned per table by the snapshot of the current collector run.',
            targets: [
              {
                expr: `debezium_metrics_RowsScanned{${C}, context="snapshot"}`,
                legendFormat: '{{table}}',
                instant: true,
              },
            ],
          },
          6,
          4,
        ),
      ],
    },
    {
      title: 'JVM',
      panels: [
        panel(
          {
            type: 'timeseries',
            title: 'Heap',
            description: 'JVM heap used and committed.',
            targets: [
              { expr: `jvm_memory_used_bytes{${C}, area="heap"}`, legendFormat: 'used' },
              {
                expr: `jvm_memory_committed_bytes{${C}, area="heap"}`,
                legendFormat: 'committed',
              },
            ],
            unit: 'bytes',
          },
          8,
        ),
        panel(
          {
            type: 'timeseries',
            title: 'Garbage collection',
            description: 'Share of wall-clock time spent in each garbage collector.',
            targets: [
              {
                expr: `rate(jvm_gc_collection_seconds_sum{${C}}${RATE})`,
                legendFormat: '{{gc}}',
              },
            ],
            unit: 'percentunit',
          },
          8,
        ),
        panel(
          {
            type: 'timeseries',
            title: 'Process CPU and memory',
            description: 'CPU cores in use and resident memory of the collector process.',
            targets: [
              { expr: `rate(process_cpu_seconds_total{${C}}${RATE})`, legendFormat: 'CPU cores' },
              { expr: `process_resident_memory_bytes{${C}} / 2^30`, legendFormat: 'RSS GiB' },
            ],
          },
          8,
        ),
      ],
    },
  ],
};

const perBatch = (stage: string): string =>
  `rate(rdi_processor_${stage}_time_ms_total{${E}}${RATE}) / rate(rdi_processed_batches_total{${E}}${RATE})`;

export const processor: DashboardSpec = {
  uid: 'sluice-processor',
  title: 'Sluice / Processor',
  description: 'Batches, batch sizes, read/transform/write/ack times, records per second, memory.',
  variables: [exporterJob],
  rows: [
    {
      title: 'Throughput',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Records per second',
          description: 'Records processed (all tables), and of them filtered and rejected.',
          targets: [
            { expr: `rate(processed_records_total{${E}}${RATE})`, legendFormat: 'processed' },
            { expr: `rate(filtered_records_total{${E}}${RATE})`, legendFormat: 'filtered' },
            { expr: `rate(rejected_records_total{${E}}${RATE})`, legendFormat: 'rejected' },
          ],
          unit: 'ops',
        }),
        panel(
          {
            type: 'timeseries',
            title: 'Batches per second',
            description: 'Batches written to the target and acknowledged.',
            targets: [
              {
                expr: `rate(rdi_processed_batches_total{${E}}${RATE})`,
                legendFormat: 'batches',
              },
            ],
            unit: 'ops',
          },
          6,
        ),
        panel(
          {
            type: 'timeseries',
            title: 'Average batch size',
            description: 'Records per batch over the interval (bounded by read_batch_size).',
            targets: [
              {
                expr: `rate(rdi_processor_batch_size_total{${E}}${RATE}) / rate(rdi_processed_batches_total{${E}}${RATE})`,
                legendFormat: 'records per batch',
              },
            ],
          },
          6,
        ),
      ],
    },
    {
      title: 'Time per batch',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Average time per batch by stage',
          description: 'Read, transform, write and acknowledge time of an average batch (stacked).',
          targets: [
            { expr: perBatch('read'), legendFormat: 'read' },
            { expr: perBatch('transform'), legendFormat: 'transform' },
            { expr: perBatch('write'), legendFormat: 'write' },
            { expr: perBatch('ack'), legendFormat: 'ack' },
          ],
          unit: 'ms',
          custom: STACKED,
        }),
        panel({
          type: 'timeseries',
          title: 'Last batch',
          description: 'Read, transform and write time of the last batch, and their sum.',
          targets: [
            { expr: `rdi_processor_read_time_ms_last{${E}}`, legendFormat: 'read' },
            { expr: `rdi_processor_transform_time_ms_last{${E}}`, legendFormat: 'transform' },
            { expr: `rdi_processor_write_time_ms_last{${E}}`, legendFormat: 'write' },
            { expr: `rdi_processor_total_time_ms_last{${E}}`, legendFormat: 'total' },
          ],
          unit: 'ms',
        }),
        panel({
          type: 'timeseries',
          title: 'Busy share by stage',
          description:
            'Milliseconds spent per second of wall clock in each stage: how busy the processor is.',
          targets: [
            {
              expr: `rate(rdi_processor_read_time_ms_total{${E}}${RATE}) / 1000`,
              legendFormat: 'read',
            },
            {
              expr: `rate(rdi_processor_transform_time_ms_total{${E}}${RATE}) / 1000`,
              legendFormat: 'transform',
            },
            {
              expr: `rate(rdi_processor_write_time_ms_total{${E}}${RATE}) / 1000`,
              legendFormat: 'write',
            },
            {
              expr: `rate(rdi_processor_ack_time_ms_total{${E}}${RATE}) / 1000`,
              legendFormat: 'ack',
            },
          ],
          unit: 'percentunit',
          custom: STACKED,
        }),
        stat(
          {
            title: 'Last batch size',
            description: 'Records in the last batch.',
            targets: [{ expr: `rdi_processor_batch_size_last{${E}}`, legendFormat: 'records' }],
          },
          6,
        ),
        stat(
          {
            title: 'Batches',
            description: 'Batches written since the statistics were last reset.',
            targets: [{ expr: `rdi_processed_batches_total{${E}}`, legendFormat: 'batches' }],
          },
          6,
        ),
      ],
    },
    {
      title: 'Memory and health',
      panels: [
        panel({
          type: 'timeseries',
          title: 'Memory',
          description:
            "The processor's resident set size (RSS) and V8 heap in use, as it reports them.",
          targets: [
            {
              expr: `sluice_processor_resident_memory_bytes{${E}}`,
              legendFormat: 'RSS {{consumer}}',
            },
            { expr: `sluice_processor_heap_used_bytes{${E}}`, legendFormat: 'heap {{consumer}}' },
          ],
          unit: 'bytes',
        }),
        panel(
          {
            type: 'timeseries',
            title: 'Backlog',
            description: 'Entries waiting in all change streams.',
            targets: [
              {
                expr: `sum(rdi_incoming_entries{${E}, operation="pending"})`,
                legendFormat: 'entries',
              },
            ],
          },
          6,
        ),
        panel(
          {
            type: 'timeseries',
            title: 'Highest end-to-end latency',
            description:
              "The highest of the streams' last-batch latencies (source commit to target).",
            targets: [{ expr: `max(rdi_stream_event_latency_ms{${E}})`, legendFormat: 'latency' }],
            unit: 'ms',
          },
          6,
        ),
        stat(
          {
            title: 'Processor running',
            description: 'Whether the operator reports the processor running.',
            targets: [
              {
                expr: `sluice_component_up{${E}, type="processor"}`,
                legendFormat: '{{component}}',
              },
            ],
            mappings: UP_DOWN,
            thresholds: [
              { value: null, color: 'red' },
              { value: 1, color: 'green' },
            ],
          },
          6,
        ),
        stat(
          {
            title: 'Processor restarts',
            description: 'Restarts of the processor by the operator in this term.',
            targets: [
              {
                expr: `sluice_component_restarts_total{${E}, type="processor"}`,
                legendFormat: '{{component}}',
              },
            ],
            thresholds: [
              { value: null, color: 'green' },
              { value: 1, color: 'orange' },
            ],
          },
          6,
        ),
      ],
    },
  ],
};

/** File name under monitoring/grafana/dashboards/ → dashboard. */
export const DASHBOARDS: Readonly<Record<string, DashboardSpec>> = {
  'sluice-overview.json': overview,
  'sluice-collector.json': collector,
  'sluice-processor.json': processor,
};
