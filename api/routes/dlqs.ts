// Dead-letter queues: list per table, page through records, and replay records into their
// change stream after the cause is fixed (something RDI cannot do).

import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { bearerSecurity } from '../auth/require-token.ts';
import type { ApiDeps } from '../deps.ts';
import { BODY_LIMITS } from '../http/server-limits.ts';
import { dlqKey, STREAM_PREFIX } from '../../pipeline/redis-keys.ts';
import { dlqLengths, readDlqRecords, replayDlq, resolveTableStream } from '../dlq/dlq-records.ts';
import { PipelineParams } from '../schemas/common.ts';
import {
  DlqList,
  DlqParams,
  DlqRecords,
  DlqRecordsQuery,
  ReplayBody,
  ReplayResult,
} from '../schemas/dlq.ts';
import { errorResponses } from '../schemas/error-body.ts';
import { pipelineStreams, sourceNames } from '../status/pipeline-streams.ts';
import { readPipeline } from '../store/pipeline-store.ts';

const tags = ['dlq'];

export function dlqRoutes(deps: ApiDeps): FastifyPluginCallbackTypebox {
  const { rdi } = deps;
  const streamsOf = async (name: string): Promise<string[]> =>
    pipelineStreams(rdi, sourceNames((await readPipeline(rdi, name)).config));

  return (app, _options, done) => {
    app.get(
      '/api/v2/pipelines/:name/dlqs',
      {
        schema: {
          tags,
          security: bearerSecurity,
          summary: 'Dead-letter queues of a pipeline, by table',
          params: PipelineParams,
          response: { 200: DlqList, ...errorResponses },
        },
      },
      async (request) => {
        const streams = await streamsOf(request.params.name);
        const counts = await dlqLengths(rdi, streams);
        return {
          dlqs: streams.flatMap((stream, i) => {
            const count = counts[i] ?? 0;
            if (count === 0) return [];
            return [
              { table: stream.slice(STREAM_PREFIX.length), stream, dlq: dlqKey(stream), count },
            ];
          }),
        };
      },
    );

    app.get(
      '/api/v2/pipelines/:name/dlqs/:table/records',
      {
        schema: {
          tags,
          security: bearerSecurity,
          summary: 'Rejected records of one table, page by page',
          params: DlqParams,
          querystring: DlqRecordsQuery,
          response: { 200: DlqRecords, ...errorResponses },
        },
      },
      async (request) => {
        const stream = resolveTableStream(
          request.params.table,
          await streamsOf(request.params.name),
        );
        const limit = request.query.limit ?? 100;
        const offset = request.query.offset ?? 0;
        const page = await readDlqRecords(rdi, stream, {
          limit,
          offset,
          order: request.query.sort_order ?? 'desc',
        });
        return { table: stream.slice(STREAM_PREFIX.length), limit, offset, ...page };
      },
    );

    app.post(
      '/api/v2/pipelines/:name/dlqs/:table/replay',
      {
        bodyLimit: BODY_LIMITS.small,
        schema: {
          tags,
          security: bearerSecurity,
          summary: 'Replay rejected records into their change stream and remove them from the DLQ',
          params: DlqParams,
          body: ReplayBody,
          response: { 200: ReplayResult, ...errorResponses },
        },
      },
      async (request) => {
        const { ids } = request.body;
        const stream = resolveTableStream(
          request.params.table,
          await streamsOf(request.params.name),
        );
        const result = await replayDlq(rdi, stream, ids);
        deps.logger.info('DLQ records replayed.', {
          pipeline: request.params.name,
          stream,
          ...result,
        });
        return { table: stream.slice(STREAM_PREFIX.length), ...result };
      },
    );
    done();
  };
}
