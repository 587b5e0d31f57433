// Shapes of the dead-letter routes: the DLQs of a pipeline, a page of records, replay.

import { Type, type Static } from '@sinclair/typebox';
import { PipelineName } from './common.ts';

export const DlqParams = Type.Object(
  {
    name: PipelineName,
    table: Type.String({
      minLength: 1,
      maxLength: 512,
      description: '`<source>.<schema>.<table>`, or the bare table name when it is unique.',
    }),
  },
  { additionalProperties: false },
);

export const DlqList = Type.Object({
  dlqs: Type.Array(
    Type.Object({
      table: Type.String(),
      stream: Type.String(),
      dlq: Type.String(),
      count: Type.Integer(),
    }),
  ),
});

export const DlqRecordsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000, default: 0 })),
    sort_order: Type.Optional(
      Type.Union([Type.Literal('asc'), Type.Literal('desc')], {
        default: 'desc',
        description: 'desc: newest first.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const DlqRecord = Type.Object({
  id: Type.String({ description: 'Id of the record in the DLQ (use it to replay).' }),
  entry_id: Type.String({ description: 'Id of the original change stream entry.' }),
  error_code: Type.String(),
  reason: Type.String(),
  job: Type.String(),
  time: Type.Integer({ description: 'When it was rejected (ms since the epoch).' }),
  key: Type.String({ description: 'The original entry key (Debezium JSON).' }),
  value: Type.String({ description: 'The original entry value (Debezium JSON).' }),
});
export type DlqRecord = Static<typeof DlqRecord>;

export const DlqRecords = Type.Object({
  table: Type.String(),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  records: Type.Array(DlqRecord),
});

// Either the ids to replay or `all: true`, exactly one: the document says which bodies work.
export const ReplayBody = Type.Object(
  {
    ids: Type.Optional(
      Type.Array(Type.String({ pattern: '^\\d+-\\d+$' }), { minItems: 1, maxItems: 1000 }),
    ),
    all: Type.Optional(Type.Literal(true, { description: 'Replay the oldest 1000 records.' })),
  },
  { additionalProperties: false, minProperties: 1, maxProperties: 1 },
);

export const ReplayResult = Type.Object({
  table: Type.String(),
  replayed: Type.Integer(),
  missing: Type.Integer({ description: 'Ids that were no longer in the DLQ.' }),
  remaining: Type.Integer({ description: 'Records left in the DLQ.' }),
});
