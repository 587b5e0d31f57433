// The three Sluice dashboards: pipeline overview (in the spirit of RDI's), collector (Debezium
// Server's JMX metrics scraped from its agent) and processor. Every query selects its job
// through a variable, so the exporter's pass-through of Debezium metrics and the collector's
// own series never add up twice. monitoring/README.md describes each panel.

import {
  panel,
  type DashboardSpec,
  type PanelSpec,
  type Target,
  type VariableSpec,
} from './dashboard-model.ts';

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
/** Two threshold steps: `base` below `at`, `color` from `at` on. */
function steps(base: string, at: number, color: string): NonNullable<PanelSpec['thresholds']> {
  return [
    { value: null, color: base },
    { value: at, color },
  ];
}
/** A 0/1 series shown as UP (green) or DOWN (red). */
const UP_DOWN_STATE = { mappings: UP_DOWN, thresholds: steps('red', 1, 'green') };
/** A 0/1 flag shown as ON (red) or OFF (green). */
const ON_OFF_STATE = { mappings: ON_OFF, thresholds: steps('green', 1, 'red') };
const NAME_ONLY = { textMode: 'name', colorMode: 'background', graphMode: 'none' };
const STACKED = {
  drawStyle: 'line',
  lineWidth: 1,
  fillOpacity: 30,
  showPoints: 'never',
  stacking: { mode: 'normal', group: 'A' },
};

type PanelFields = Omit<PanelSpec, 'type' | 'width' | 'height'>;

/** A Debezium Server JMX metric of the collector job, in one metrics context. */
function debezium(metric: string, context: 'streaming' | 'snapshot'): string {
  return `debezium_metrics_${metric}{${C}, context="${context}"}`;
}

/** A range query and its legend. */
function range(expr: string, legendFormat: string): Target {
  return { expr, legendFormat };
}
/** An instant query and its legend. */
function instant(expr: string, legendFormat: string): Target {
  return { expr, legendFormat, instant: true };
}

function timeseries(spec: PanelFields, width = 12): PanelSpec {
  return panel({ type: 'timeseries', ...spec }, width);
}

function stat(spec: PanelFields, width = 4): PanelSpec {
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
            instant(`rdi_operator_pipeline_phase{${E}, pipeline="$pipeline"} == 1`, '{{phase}}'),
          ],
          options: NAME_ONLY,
        }),
        stat({
          title: 'Engine state',
          description:
            "RDI's engine state and sync mode (SNAPSHOT = initial sync, STREAMING = CDC).",
          targets: [instant(`rdi_engine_state{${E}} == 1`, '{{state}} {{sync_mode}}')],
          options: NAME_ONLY,
        }),
        stat({
          title: 'Backpressure',
          description:
            'ON while the processor asks for capture to pause (backlog, memory or target).',
          targets: [range(`max(sluice_backpressure_active{${E}})`, 'backpressure')],
          ...ON_OFF_STATE,
        }),
        panel(
          {
            type: 'gauge',
            title: 'Snapshot progress',
            description: 'Tables the initial snapshot has finished reading, of all it copies.',
            targets: [
              range(
                `sluice_snapshot_tables_completed{${E}, pipeline="$pipeline"} / sluice_snapshot_tables_total{${E}, pipeline="$pipeline"}`,
                'tables',
              ),
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
          targets: [range(`sluice_snapshot_rows_scanned{${E}, pipeline="$pipeline"}`, 'rows')],
        }),
        stat({
          title: 'Rejected records in DLQs',
          description: 'Records held in the dead-letter streams of the selected tables.',
          targets: [range(`sum(sluice_dlq_entries{${TABLES}})`, 'dead letters')],
          thresholds: steps('green', 1, 'orange'),
        }),
      ],
    },
    {
      title: 'Changes per table',
      panels: [
        timeseries({
          title: 'Inserts, updates, deletes per second',
          description: 'Records the processor applied, per table and operation.',
          targets: [
            range(
              `sum by (data_source, operation) (rate(rdi_incoming_entries{${TABLES}, operation=~"inserted|updated|deleted"}${RATE}))`,
              '{{data_source}} {{operation}}',
            ),
          ],
          unit: 'ops',
        }),
        timeseries({
          title: 'Filtered and rejected per second',
          description: 'Records a job filtered out, and records sent to the DLQ, per table.',
          targets: [
            range(
              `sum by (data_source, operation) (rate(rdi_incoming_entries{${TABLES}, operation=~"filtered|rejected"}${RATE}))`,
              '{{data_source}} {{operation}}',
            ),
          ],
          unit: 'ops',
        }),
        timeseries({
          title: 'Records per second (all tables)',
          description: 'Entries arriving in the change streams and entries processed.',
          targets: [
            range(`rate(incoming_records_total{${E}}${RATE})`, 'incoming'),
            range(`rate(processed_records_total{${E}}${RATE})`, 'processed'),
          ],
          unit: 'ops',
        }),
        panel({
          type: 'bargauge',
          title: 'Totals per table',
          description: 'Counts since the last reset, per table and operation.',
          targets: [
            instant(
              `sum by (data_source, operation) (rdi_incoming_entries{${TABLES}, operation!="pending"})`,
              '{{data_source}} {{operation}}',
            ),
          ],
        }),
      ],
    },
    {
      title: 'Backlog and lag',
      panels: [
        timeseries(
          {
            title: 'Backlog per stream',
            description: 'Entries in each change stream not yet processed (pending + not read).',
            targets: [
              range(`rdi_incoming_entries{${TABLES}, operation="pending"}`, '{{data_source}}'),
            ],
          },
          8,
        ),
        timeseries(
          {
            title: 'End-to-end latency per stream',
            description:
              "Source commit to target write of the newest record of each stream's last batch.",
            targets: [range(`rdi_stream_event_latency_ms{${TABLES}}`, '{{data_source}}')],
            unit: 'ms',
          },
          8,
        ),
        timeseries(
          {
            title: 'Collector lag behind source',
            description:
              "Debezium's MilliSecondsBehindSource (streaming), passed through by the exporter.",
            targets: [
              range(
                `debezium_metrics_MilliSecondsBehindSource{${E}, context="streaming"}`,
                '{{name}}',
              ),
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
        timeseries({
          title: 'DLQ size per stream',
          description:
            'Records in each dead-letter stream (capped at processors.dlq_max_messages).',
          targets: [range(`sluice_dlq_entries{${TABLES}}`, '{{data_source}}')],
        }),
        panel({
          type: 'state-timeline',
          title: 'Backpressure over time',
          description: 'When the backpressure flag was raised (the collector is paused meanwhile).',
          targets: [range(`max(sluice_backpressure_active{${E}})`, 'backpressure')],
          ...ON_OFF_STATE,
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
          targets: [range(`sluice_component_up{${E}}`, '{{type}}')],
          ...UP_DOWN_STATE,
        }),
        timeseries(
          {
            title: 'Component restarts per hour',
            description:
              'Starts of a child after it ended on its own (not pauses, stops or deploys).',
            targets: [
              range(
                `sum by (type) (increase(sluice_component_restarts_total{${E}}[1h]))`,
                '{{type}}',
              ),
            ],
          },
          6,
        ),
        stat(
          {
            title: 'Restarts in this term',
            description: 'Restarts counted by the leading operator since it took the lead.',
            targets: [range(`sum by (type) (sluice_component_restarts_total{${E}})`, '{{type}}')],
          },
          6,
        ),
        stat(
          {
            title: 'Leading operator',
            description: 'The operator that holds the leader lease.',
            targets: [instant(`rdi_operator_is_leader{${E}} == 1`, '{{operator}}')],
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
              range(`sluice_operator_status_age_seconds{${E}, pipeline="$pipeline"}`, 'age'),
            ],
            unit: 's',
            thresholds: steps('green', 30, 'red'),
          },
          6,
        ),
        stat(
          {
            title: 'Metric sources',
            description: 'Whether the exporter reached the RDI database and the collector metrics.',
            targets: [
              range(`sluice_exporter_rdi_up{${E}}`, 'RDI database'),
              range(`sluice_collector_metrics_up{${E}}`, 'collector metrics'),
            ],
            ...UP_DOWN_STATE,
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
          targets: [range(debezium('Connected', 'streaming'), '{{name}}')],
          mappings: [
            { value: '0', text: 'DISCONNECTED', color: 'red' },
            { value: '1', text: 'CONNECTED', color: 'green' },
          ],
          thresholds: steps('red', 1, 'green'),
        }),
        stat({
          title: 'Metrics endpoint',
          description: "Whether Prometheus reached the collector's JMX exporter agent.",
          targets: [range(`up{${C}}`, '{{instance}}')],
          ...UP_DOWN_STATE,
        }),
        timeseries(
          {
            title: 'Lag behind source',
            description:
              'MilliSecondsBehindSource: source commit time to the connector reading the change.',
            targets: [range(debezium('MilliSecondsBehindSource', 'streaming'), '{{name}}')],
            unit: 'ms',
          },
          8,
        ),
        timeseries(
          {
            title: 'Time since last event',
            description:
              'MilliSecondsSinceLastEvent: grows while the source is idle or capture stalls.',
            targets: [range(debezium('MilliSecondsSinceLastEvent', 'streaming'), '{{name}}')],
            unit: 'ms',
          },
          8,
        ),
      ],
    },
    {
      title: 'Queue',
      panels: [
        timeseries({
          title: 'Queue usage',
          description: "Share of the connector's change-event queue in use (max.queue.size).",
          targets: [
            range(
              `1 - debezium_metrics_QueueRemainingCapacity{${C}} / debezium_metrics_QueueTotalCapacity{${C}}`,
              '{{context}}',
            ),
          ],
          unit: 'percentunit',
          min: 0,
          max: 1,
        }),
        timeseries({
          title: 'Queue size in bytes',
          description: 'CurrentQueueSizeInBytes (bounded by max.queue.size.in.bytes when set).',
          targets: [range(`debezium_metrics_CurrentQueueSizeInBytes{${C}}`, '{{context}}')],
          unit: 'bytes',
        }),
      ],
    },
    {
      title: 'Events and errors',
      panels: [
        timeseries({
          title: 'Change events per second',
          description: 'Create, update and delete events the connector read while streaming.',
          targets: [
            range(
              `rate(${debezium('TotalNumberOfCreateEventsSeen', 'streaming')}${RATE})`,
              'create',
            ),
            range(
              `rate(${debezium('TotalNumberOfUpdateEventsSeen', 'streaming')}${RATE})`,
              'update',
            ),
            range(
              `rate(${debezium('TotalNumberOfDeleteEventsSeen', 'streaming')}${RATE})`,
              'delete',
            ),
          ],
          unit: 'ops',
        }),
        timeseries({
          title: 'Committed transactions per second',
          description: 'NumberOfCommittedTransactions read from the source.',
          targets: [
            range(
              `rate(${debezium('NumberOfCommittedTransactions', 'streaming')}${RATE})`,
              '{{name}}',
            ),
          ],
          unit: 'ops',
        }),
        timeseries({
          title: 'Erroneous and filtered events',
          description:
            'NumberOfErroneousEvents and NumberOfEventsFiltered since the collector started.',
          targets: [
            range(debezium('NumberOfErroneousEvents', 'streaming'), 'erroneous'),
            range(debezium('NumberOfEventsFiltered', 'streaming'), 'filtered'),
          ],
        }),
        timeseries({
          title: 'Collector restarts',
          description:
            'Restarts of Debezium Server by the operator in this term (it exits when its engine fails).',
          targets: [
            range(
              `sluice_component_restarts_total{job=~"$exporter_job", type="collector"}`,
              '{{component}}',
            ),
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
              range(debezium('SnapshotRunning', 'snapshot'), 'running'),
              range(debezium('SnapshotCompleted', 'snapshot'), 'completed'),
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
              range(debezium('TotalTableCount', 'snapshot'), 'total'),
              range(debezium('RemainingTableCount', 'snapshot'), 'remaining'),
            ],
          },
          6,
        ),
        stat(
          {
            title: 'Snapshot duration',
            description: 'SnapshotDurationInSeconds of the last (or running) snapshot.',
            targets: [range(debezium('SnapshotDurationInSeconds', 'snapshot'), '{{name}}')],
            unit: 's',
          },
          6,
        ),
        panel(
          {
            type: 'bargauge',
            title: 'Rows scanned per table',
            description: 'RowsScanned per table by the snapshot of the current collector run.',
            targets: [instant(debezium('RowsScanned', 'snapshot'), '{{table}}')],
          },
          6,
          4,
        ),
      ],
    },
    {
      title: 'JVM',
      panels: [
        timeseries(
          {
            title: 'Heap',
            description: 'JVM heap used and committed.',
            targets: [
              range(`jvm_memory_used_bytes{${C}, area="heap"}`, 'used'),
              range(`jvm_memory_committed_bytes{${C}, area="heap"}`, 'committed'),
            ],
            unit: 'bytes',
          },
          8,
        ),
        timeseries(
          {
            title: 'Garbage collection',
            description: 'Share of wall-clock time spent in each garbage collector.',
            targets: [range(`rate(jvm_gc_collection_seconds_sum{${C}}${RATE})`, '{{gc}}')],
            unit: 'percentunit',
          },
          8,
        ),
        timeseries(
          {
            title: 'Process CPU and memory',
            description: 'CPU cores in use and resident memory of the collector process.',
            targets: [
              range(`rate(process_cpu_seconds_total{${C}}${RATE})`, 'CPU cores'),
              range(`process_resident_memory_bytes{${C}} / 2^30`, 'RSS GiB'),
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
        timeseries({
          title: 'Records per second',
          description: 'Records processed (all tables), and of them filtered and rejected.',
          targets: [
            range(`rate(processed_records_total{${E}}${RATE})`, 'processed'),
            range(`rate(filtered_records_total{${E}}${RATE})`, 'filtered'),
            range(`rate(rejected_records_total{${E}}${RATE})`, 'rejected'),
          ],
          unit: 'ops',
        }),
        timeseries(
          {
            title: 'Batches per second',
            description: 'Batches written to the target and acknowledged.',
            targets: [range(`rate(rdi_processed_batches_total{${E}}${RATE})`, 'batches')],
            unit: 'ops',
          },
          6,
        ),
        timeseries(
          {
            title: 'Average batch size',
            description: 'Records per batch over the interval (bounded by read_batch_size).',
            targets: [
              range(
                `rate(rdi_processor_batch_size_total{${E}}${RATE}) / rate(rdi_processed_batches_total{${E}}${RATE})`,
                'records per batch',
              ),
            ],
          },
          6,
        ),
      ],
    },
    {
      title: 'Time per batch',
      panels: [
        timeseries({
          title: 'Average time per batch by stage',
          description: 'Read, transform, write and acknowledge time of an average batch (stacked).',
          targets: [
            range(perBatch('read'), 'read'),
            range(perBatch('transform'), 'transform'),
            range(perBatch('write'), 'write'),
            range(perBatch('ack'), 'ack'),
          ],
          unit: 'ms',
          custom: STACKED,
        }),
        timeseries({
          title: 'Last batch',
          description: 'Read, transform and write time of the last batch, and their sum.',
          targets: [
            range(`rdi_processor_read_time_ms_last{${E}}`, 'read'),
            range(`rdi_processor_transform_time_ms_last{${E}}`, 'transform'),
            range(`rdi_processor_write_time_ms_last{${E}}`, 'write'),
            range(`rdi_processor_total_time_ms_last{${E}}`, 'total'),
          ],
          unit: 'ms',
        }),
        timeseries({
          title: 'Busy share by stage',
          description:
            'Milliseconds spent per second of wall clock in each stage: how busy the processor is.',
          targets: [
            range(`rate(rdi_processor_read_time_ms_total{${E}}${RATE}) / 1000`, 'read'),
            range(`rate(rdi_processor_transform_time_ms_total{${E}}${RATE}) / 1000`, 'transform'),
            range(`rate(rdi_processor_write_time_ms_total{${E}}${RATE}) / 1000`, 'write'),
            range(`rate(rdi_processor_ack_time_ms_total{${E}}${RATE}) / 1000`, 'ack'),
          ],
          unit: 'percentunit',
          custom: STACKED,
        }),
        stat(
          {
            title: 'Last batch size',
            description: 'Records in the last batch.',
            targets: [range(`rdi_processor_batch_size_last{${E}}`, 'records')],
          },
          6,
        ),
        stat(
          {
            title: 'Batches',
            description: 'Batches written since the statistics were last reset.',
            targets: [range(`rdi_processed_batches_total{${E}}`, 'batches')],
          },
          6,
        ),
      ],
    },
    {
      title: 'Memory and health',
      panels: [
        timeseries({
          title: 'Memory',
          description:
            "The processor's resident set size (RSS) and V8 heap in use, as it reports them.",
          targets: [
            range(`sluice_processor_resident_memory_bytes{${E}}`, 'RSS {{consumer}}'),
            range(`sluice_processor_heap_used_bytes{${E}}`, 'heap {{consumer}}'),
          ],
          unit: 'bytes',
        }),
        timeseries(
          {
            title: 'Backlog',
            description: 'Entries waiting in all change streams.',
            targets: [range(`sum(rdi_incoming_entries{${E}, operation="pending"})`, 'entries')],
          },
          6,
        ),
        timeseries(
          {
            title: 'Highest end-to-end latency',
            description:
              "The highest of the streams' last-batch latencies (source commit to target).",
            targets: [range(`max(rdi_stream_event_latency_ms{${E}})`, 'latency')],
            unit: 'ms',
          },
          6,
        ),
        stat(
          {
            title: 'Processor running',
            description: 'Whether the operator reports the processor running.',
            targets: [range(`sluice_component_up{${E}, type="processor"}`, '{{component}}')],
            ...UP_DOWN_STATE,
          },
          6,
        ),
        stat(
          {
            title: 'Processor restarts',
            description: 'Restarts of the processor by the operator in this term.',
            targets: [
              range(`sluice_component_restarts_total{${E}, type="processor"}`, '{{component}}'),
            ],
            thresholds: steps('green', 1, 'orange'),
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
