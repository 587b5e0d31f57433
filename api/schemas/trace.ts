// Request and response shapes of a trace: how many entries to capture and for how long, and
// per captured entry the stream, the decoded event, the job, its output and the commands.

import { Type } from '@sinclair/typebox';
import { RecordResult } from './jobs.ts';

export const TraceBody = Type.Object(
  {
    count: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, default: 10, description: 'Entries to capture.' }),
    ),
    timeout_ms: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 120_000,
        default: 10_000,
        description: 'Give up waiting after this long and return what was captured.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const TracedEntry = Type.Object({
  stream: Type.String(),
  id: Type.String({ description: 'Stream entry id.' }),
  job: Type.String({ description: 'Job that handled the entry (`default`: RDI’s default job).' }),
  event: Type.Optional(Type.Unknown({ description: 'The decoded change event.' })),
  ...Type.Omit(RecordResult, ['input']).properties,
});

export const TraceResult = Type.Object({
  pipeline: Type.String(),
  requested: Type.Integer(),
  captured: Type.Integer(),
  timed_out: Type.Boolean({ description: 'True when fewer than `count` entries arrived in time.' }),
  streams: Type.Array(Type.String(), { description: 'Streams that were watched.' }),
  entries: Type.Array(TracedEntry),
});
