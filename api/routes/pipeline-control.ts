// start, stop and reset: recorded as the desired state in the RDI database; the operator
// carries them out and reports progress in the pipeline's status.

import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { bearerSecurity } from '../auth/require-token.ts';
import type { ApiDeps } from '../deps.ts';
import { OPTIONAL_BODY } from '../http/openapi.ts';
import { BODY_LIMITS } from '../http/server-limits.ts';
import { PipelineParams } from '../schemas/common.ts';
import { errorResponses } from '../schemas/error-body.ts';
import { ControlResult, ResetBody, type ControlResultBody } from '../schemas/pipeline.ts';
import { requestReset, setDesiredState, type PipelineControl } from '../store/control-store.ts';
import { readPipeline } from '../store/pipeline-store.ts';

const actions = {
  start: 'Start a pipeline',
  stop: 'Stop a pipeline (offsets and streams are kept)',
} as const;

export function pipelineControlRoutes(deps: ApiDeps): FastifyPluginCallbackTypebox {
  const { rdi, clock } = deps;
  return (app, _options, done) => {
    for (const [action, summary] of Object.entries(actions)) {
      app.post(
        `/api/v2/pipelines/:name/${action}`,
        {
          bodyLimit: BODY_LIMITS.small,
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
          const control: PipelineControl = await setDesiredState(
            rdi,
            name,
            action === 'start' ? 'started' : 'stopped',
            by,
            clock.now(),
          );
          deps.logger.info(`Pipeline ${action} requested.`, { pipeline: name, user: by });
          return reply.status(202).send(controlResult(name, control));
        },
      );
    }
    app.post(
      '/api/v2/pipelines/:name/reset',
      {
        bodyLimit: BODY_LIMITS.small,
        schema: {
          tags: ['pipelines'],
          security: bearerSecurity,
          summary: 'Reset a pipeline: drop offsets, streams and checkpoints, then snapshot again',
          ...OPTIONAL_BODY,
          params: PipelineParams,
          body: ResetBody,
          response: { 202: ControlResult, ...errorResponses },
        },
        // The body is optional: a reset without one keeps the target keys.
        preValidation: (request, _reply, next) => {
          const body: unknown = request.body;
          if (body === undefined) request.body = {};
          next();
        },
      },
      async (request, reply) => {
        const { name } = request.params;
        await readPipeline(rdi, name);
        const by = request.user ?? 'unknown';
        const dropTargetKeys = request.body.drop_target_keys ?? false;
        const control = await requestReset(rdi, name, by, clock.now(), dropTargetKeys);
        deps.logger.info('Pipeline reset requested.', {
          pipeline: name,
          user: by,
          dropTargetKeys,
        });
        return reply.status(202).send(controlResult(name, control));
      },
    );
    done();
  };
}

function controlResult(name: string, control: PipelineControl): ControlResultBody {
  return {
    name,
    desired_state: control.desired,
    reset_generation: control.resetGeneration,
    ...(control.updatedAt === undefined ? {} : { updated_at: control.updatedAt }),
  };
}
