// Job dry-run: a job and input records in, the transformed records and the Redis commands
// out, nothing written anywhere. Served at the v2 path and at RDI's v1 path.

import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { bearerSecurity } from '../auth/require-token.ts';
import type { ApiDeps } from '../deps.ts';
import { dryRun } from '../../processor/jobs/dry-run.ts';
import { dryRunEvents } from '../jobs/dry-run-input.ts';
import { dryRunView } from '../jobs/dry-run-view.ts';
import { redactedEnvironment } from '../jobs/redacted-env.ts';
import { compileRequestJob } from '../jobs/request-job.ts';
import { errorResponses } from '../schemas/error-body.ts';
import { JobDryRunBody, JobDryRunResult } from '../schemas/jobs.ts';
import { listSecretNames } from '../store/secret-store.ts';

const PATHS = ['/api/v2/pipelines/jobs/dry-run', '/api/v1/pipelines/jobs/dry-run'] as const;

export function jobDryRunRoutes(deps: ApiDeps): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    for (const url of PATHS) {
      app.post(
        url,
        {
          schema: {
            tags: ['jobs'],
            security: bearerSecurity,
            summary: 'Run a job on input records without writing anything',
            ...(url.startsWith('/api/v1') ? { description: 'RDI v1 compatible path.' } : {}),
            body: JobDryRunBody,
            response: { 200: JobDryRunResult, ...errorResponses },
          },
        },
        async (request) => {
          const { job, input_data, key_columns, now, type_rendering } = request.body;
          const env = redactedEnvironment(await listSecretNames(deps.rdi));
          const compiled = compileRequestJob(job, env);
          const typeRendering = type_rendering ?? 'sluice';
          const events = dryRunEvents(input_data, compiled, {
            ...(key_columns === undefined ? {} : { keyColumns: key_columns }),
            typeRendering,
          });
          const result = await dryRun(compiled, events, { now: now ?? 0, typeRendering });
          return { job: compiled.name, ...dryRunView(result) };
        },
      );
    }
    done();
  };
}
