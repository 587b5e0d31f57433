// Request and response shapes of job dry-runs and traces: a job (YAML text or object), input
// records, and per input the transformed record, the outcome and the Redis commands.

import { Type, type Static } from '@sinclair/typebox';

const MAX_TEXT = 1024 * 1024;

export const JobDryRunBody = Type.Object(
  {
    job: Type.Union(
      [
        Type.String({ minLength: 1, maxLength: MAX_TEXT }),
        Type.Object({}, { additionalProperties: true }),
      ],
      { description: 'The job: YAML text of a job file, or the same as an object.' },
    ),
    input_data: Type.Union(
      [
        Type.Object({}, { additionalProperties: true }),
        Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 1000 }),
      ],
      {
        description:
          'One input or a list: a flat row (RDI: column values plus optional `opcode` c|u|d|r), ' +
          'a change event {op, before, after, key?, source?: {db, schema, table}}, or a Debezium ' +
          'JSON value {schema, payload}.',
      },
    ),
    key_columns: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        maxItems: 32,
        description: 'Key columns of flat rows (default: `id` when the row has it).',
      }),
    ),
    now: Type.Optional(
      Type.Integer({ description: 'Milliseconds since the epoch for time functions (default 0).' }),
    ),
    type_rendering: Type.Optional(
      Type.Union([Type.Literal('sluice'), Type.Literal('rdi')], {
        description:
          "The pipeline's processors.type_rendering (default sluice): how Debezium values are decoded and booleans written into hash fields (docs/types.md).",
      }),
    ),
  },
  { additionalProperties: false },
);
export type JobDryRunBody = Static<typeof JobDryRunBody>;

const Command = Type.Array(Type.String(), {
  description: 'A Redis command; `@<connection>` first when not for the default target.',
});

export const RecordResult = Type.Object({
  input: Type.Integer({ description: 'Index of the input.' }),
  outcome: Type.Union(
    ['inserted', 'updated', 'deleted', 'filtered', 'rejected'].map((o) => Type.Literal(o)),
  ),
  record: Type.Optional(Type.Unknown({ description: 'The record after the transforms.' })),
  commands: Type.Array(Command),
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
});

export const JobDryRunResult = Type.Object({
  job: Type.String(),
  records: Type.Array(Type.Unknown(), {
    description: 'Transformed records of the inputs not filtered out or rejected.',
  }),
  commands: Type.Array(Command, { description: 'Every command, in order.' }),
  details: Type.Array(RecordResult),
});
export type JobDryRunResult = Static<typeof JobDryRunResult>;
