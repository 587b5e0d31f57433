// Job dry-run: a job and input records in, the transformed records and the Redis commands
// out, nothing written anywhere. Served at the v2 path and at RDI's v1 path. The job runs in
// an expression worker (api/jobs/expression-pool.ts) with a total deadline and a heap cap.

import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { bearerSecurity } from '../auth/require-token.ts';
import type { ApiDeps } from '../deps.ts';
import { checkDryRunRequest } from '../jobs/dry-run-request.ts';
import { ExpressionPool, type ExpressionPoolLimits } from '../jobs/expression-pool.ts';
import { ErrorBody, errorResponses } from '../schemas/error-body.ts';
import { JobDryRunBody, JobDryRunResult } from '../schemas/jobs.ts';
import { listSecretNames } from '../store/secret-store.ts';

const PATHS = ['/api/v2/pipelines/jobs/dry-run', '/api/v1/pipelines/jobs/dry-run'] as const;

export function jobDryRunRoutes(
  deps: ApiDeps,
  limits: Partial<ExpressionPoolLimits> = {},
): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    const pool = new ExpressionPool(limits);
    app.addHook('onClose', () => pool.close());
    for (const url of PATHS) {
      app.post(
        url,
        {
          schema: {
            tags: ['jobs'],
            security: bearerSecurity,
            summary: 'Run a job on input records without writing anything',
            description:
              (url.startsWith('/api/v1') ? 'RDI v1 compatible path. ' : '') +
              `The job runs in a worker thread: at most ${pool.limits.deadlineMs} ms in total and ` +
              `${pool.limits.heapMb} MiB of heap, else 422 JOB_LIMIT_EXCEEDED; 504 TIMEOUT when ` +
              'every worker is busy and the queue is full.',
            body: JobDryRunBody,
            response: { 200: JobDryRunResult, ...errorResponses, 422: ErrorBody, 504: ErrorBody },
          },
        },
        async (request) => {
          checkDryRunRequest(request.body);
          const secretNames = await listSecretNames(deps.rdi);
          return pool.run('dry-run', { ...request.body, secretNames });
        },
      );
    }
    done();
  };
}
