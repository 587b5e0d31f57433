// start, stop and reset: recorded as the desired state in the RDI database; the operator
// carries them out and reports progress in the pipeline's status.

import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { bearerSecurity } from '../auth/require-token.ts';
import type { ApiDeps } from '../deps.ts';
import { PipelineParams } from '../schemas/common.ts';
import { errorResponses } from '../schemas/error-body.ts';
import { ControlResult } from '../schemas/pipeline.ts';
import { requestReset, setDesiredState, type PipelineControl } from '../store/control-store.ts';
import { readPipeline } from '../store/pipeline-store.ts';

const actions = {
  start: 'Start a pipeline',
  stop: 'Stop a pipeline (offsets and streams are kept)',
  reset: 'Reset a pipeline: drop offsets, streams and checkpoints, then snapshot again',
} as const;

export function pipelineControlRoutes(deps: ApiDeps): FastifyPluginCallbackTypebox {
  const { rdi, clock } = deps;
  return (app, _options, done) => {
    for (const [action, summary] of Object.entries(actions)) {
      app.post(
        `/api/v2/pipelines/:name/${action}`,
        {
          schema: {
            tags: ['pipelines'],
            security: bearerSecurity,
            summary,
            params: PipelineParams,
            response: { 202: ControlResult, ...errorResponses },
          },
        },
        async (request, reply) => {
          const { name } = request.params;
          await readPipeline(rdi, name);
          const by = request.user ?? 'unknown';
          const control: PipelineControl =
            action === 'reset'
              ? await requestReset(rdi, name, by, clock.now())
              : await setDesiredState(
                  rdi,
                  name,
                  action === 'start' ? 'started' : 'stopped',
                  by,
                  clock.now(),
                );
          deps.logger.info(`Pipeline ${action} requested.`, { pipeline: name, user: by });
          return reply.status(202).send({
            name,
            desired_state: control.desired,
            reset_generation: control.resetGeneration,
            ...(control.updatedAt === undefined ? {} : { updated_at: control.updatedAt }),
          });
        },
      );
    }
    done();
  };
}
