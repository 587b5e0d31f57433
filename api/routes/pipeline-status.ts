// GET /pipelines/{name}/status: desired state, the operator's report (phase, components,
// errors with remediation, snapshot progress), backpressure and per-stream statistics.

import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { bearerSecurity } from '../auth/require-token.ts';
import type { ApiDeps } from '../deps.ts';
import { PipelineParams } from '../schemas/common.ts';
import { errorResponses } from '../schemas/error-body.ts';
import { PipelineStatus } from '../schemas/status.ts';
import { readBackpressure } from '../status/backpressure.ts';
import { readOperatorReport } from '../status/operator-report.ts';
import { pipelineStreams, sourceNames } from '../status/pipeline-streams.ts';
import { streamStatistics } from '../status/stream-statistics.ts';
import { readControl } from '../store/control-store.ts';
import { readPipeline } from '../store/pipeline-store.ts';

export function pipelineStatusRoutes(deps: ApiDeps): FastifyPluginCallbackTypebox {
  const { rdi } = deps;
  return (app, _options, done) => {
    app.get(
      '/api/v2/pipelines/:name/status',
      {
        schema: {
          tags: ['pipelines'],
          security: bearerSecurity,
          summary: 'Status and per-stream statistics of a pipeline',
          params: PipelineParams,
          response: { 200: PipelineStatus, ...errorResponses },
        },
      },
      async (request) => {
        const { name } = request.params;
        const stored = await readPipeline(rdi, name);
        const [control, report, backpressure, streams] = await Promise.all([
          readControl(rdi, name),
          readOperatorReport(rdi, name),
          readBackpressure(rdi),
          pipelineStreams(rdi, sourceNames(stored.config)),
        ]);
        return {
          name,
          desired_state: control.desired,
          reset_generation: control.resetGeneration,
          phase: report.phase,
          ...(report.reportedAt === undefined ? {} : { reported_at: report.reportedAt }),
          components: report.components,
          errors: report.errors,
          ...(report.snapshot === undefined ? {} : { snapshot: report.snapshot }),
          backpressure,
          streams: await streamStatistics(rdi, streams),
        };
      },
    );
    done();
  };
}
