// The status of a pipeline: desired state, the phase and components the operator reports,
// backpressure, and per-stream statistics (RDI's names: total, pending, inserted, …).

import { Type, type Static } from '@sinclair/typebox';

export const Component = Type.Object({
  name: Type.String(),
  type: Type.Optional(Type.String({ description: 'collector | processor | …' })),
  state: Type.String({ description: 'running | starting | stopped | paused | failed | …' }),
  restarts: Type.Optional(Type.Integer()),
  message: Type.Optional(Type.String()),
});

export const StatusError = Type.Object({
  code: Type.String(),
  message: Type.String(),
  remediation: Type.Optional(Type.String()),
});

export const StreamStatistics = Type.Object({
  stream: Type.String(),
  table: Type.String({ description: '<source>.<schema>.<table>' }),
  total: Type.Integer(),
  pending: Type.Integer({ description: 'Delivered to the processor, not yet acknowledged.' }),
  lag: Type.Integer({ description: 'In the stream, not yet delivered to the processor.' }),
  inserted: Type.Integer(),
  updated: Type.Integer(),
  deleted: Type.Integer(),
  filtered: Type.Integer(),
  rejected: Type.Integer(),
  replayed: Type.Integer(),
  length: Type.Integer({ description: 'Entries held in the stream (XLEN).' }),
  dlq_length: Type.Integer(),
  last_arrival: Type.Optional(Type.Integer({ description: 'Milliseconds since the epoch.' })),
});
export type StreamStatistics = Static<typeof StreamStatistics>;

export const PipelineStatus = Type.Object({
  name: Type.String(),
  desired_state: Type.Union([Type.Literal('started'), Type.Literal('stopped')]),
  reset_generation: Type.Integer(),
  phase: Type.String({
    description:
      'not_running | starting | initial_sync | cdc | stopping | stopped | resetting | error',
  }),
  reported_at: Type.Optional(Type.Integer({ description: 'When the operator last reported.' })),
  components: Type.Array(Component),
  errors: Type.Array(StatusError),
  snapshot: Type.Optional(
    Type.Unknown({
      description:
        'The snapshot record: captured (Debezium read every table), completed (every row acknowledged into the target), tables_total, tables_completed, rows_scanned, started_at, captured_at, completed_at.',
    }),
  ),
  backpressure: Type.Object({
    active: Type.Boolean(),
    reason: Type.Optional(Type.String()),
    since: Type.Optional(Type.Integer()),
  }),
  streams: Type.Array(StreamStatistics),
});
export type PipelineStatus = Static<typeof PipelineStatus>;
