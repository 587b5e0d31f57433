// Pipeline resources (RDI v2): list, create (with `dry_run`), get, replace, patch, delete.
// Every write validates config.yaml and the jobs first; a dry run also tries the connections.

import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { bearerSecurity } from '../auth/require-token.ts';
import type { ApiDeps } from '../deps.ts';
import {
  connectionKey,
  connectionSpecs,
  validatePipeline,
  type DefinitionChecker,
  type ValidatedPipeline,
} from '../pipelines/validate-pipeline.ts';
import { PipelineParams } from '../schemas/common.ts';
import { connectionErrorResponses, errorResponses } from '../schemas/error-body.ts';
import {
  CreatePipelineBody,
  DeployedPipeline,
  DryRunQuery,
  DryRunResult,
  PatchPipelineBody,
  Pipeline,
  PipelineBody,
  PipelineList,
} from '../schemas/pipeline.ts';
import { readControl } from '../store/control-store.ts';
import {
  deletePipeline,
  listPipelineNames,
  readPipeline,
  savePipeline,
  type PipelineDefinition,
} from '../store/pipeline-store.ts';
import { readSecretValues } from '../store/secret-store.ts';
import { isSluiceError } from '../../common/errors.ts';
import { ExpressionPool } from '../jobs/expression-pool.ts';
import { ErrorBody } from '../schemas/error-body.ts';

const tags = ['pipelines'];

/**
 * Validation runs in worker threads: a maximal request (1 MiB of config.yaml, 1,000 jobs in
 * 8 MiB) costs about a second of CPU, which the event loop must not spend. Over the deadline
 * or the heap: 422 JOB_LIMIT_EXCEEDED; every worker busy and the queue full: 504 TIMEOUT.
 */
const VALIDATION_LIMITS = { workers: 2, deadlineMs: 30_000, heapMb: 512, queue: 16 } as const;
const validationResponses = { 422: ErrorBody, 504: ErrorBody } as const;

export function pipelineRoutes(deps: ApiDeps): FastifyPluginCallbackTypebox {
  const { rdi, clock } = deps;
  const pool = new ExpressionPool({ ...VALIDATION_LIMITS, subject: 'the validation' });
  const check: DefinitionChecker = (request) => pool.run('check-pipeline', request);

  async function view(name: string): Promise<Pipeline> {
    const [stored, control] = await Promise.all([readPipeline(rdi, name), readControl(rdi, name)]);
    return {
      name,
      config: stored.config,
      // Sorted by name: the RDI database's hash order is random per server.
      jobs: Object.fromEntries(Object.entries(stored.jobs).sort(([a], [b]) => a.localeCompare(b))),
      revision: stored.revision,
      created_at: stored.createdAt,
      updated_at: stored.updatedAt,
      desired_state: control.desired,
    };
  }

  /**
   * The connections of the stored pipeline `name`: the only places a dry run may send
   * credentials taken from stored secrets. Empty when there is none (or it no longer loads).
   */
  async function storedConnections(
    name: string,
    secrets: Readonly<Record<string, string>>,
  ): Promise<Set<string>> {
    try {
      const stored = await readPipeline(rdi, name);
      const checked = await check({ config: stored.config, jobs: {}, secrets });
      const config = checked.config;
      return new Set(config === undefined ? [] : connectionSpecs(config).map(connectionKey));
    } catch (error) {
      if (isSluiceError(error) && error.status < 500) return new Set();
      throw error;
    }
  }

  /** Validates; on a dry run also tests connections. Returns what was tried and the warnings. */
  async function validate(
    name: string,
    definition: PipelineDefinition,
    dryRun: boolean,
  ): Promise<ValidatedPipeline> {
    const secrets = await readSecretValues(rdi);
    return validatePipeline(definition, {
      secrets,
      check,
      ...(dryRun
        ? {
            testConnections: deps.testConnections,
            trustedConnections: await storedConnections(name, secrets),
          }
        : {}),
    });
  }

  return (app, _options, done) => {
    app.addHook('onClose', () => pool.close());
    app.get(
      '/api/v2/pipelines',
      {
        schema: {
          tags,
          security: bearerSecurity,
          summary: 'List pipelines',
          response: { 200: PipelineList, ...errorResponses },
        },
      },
      async () => {
        const names = await listPipelineNames(rdi);
        const pipelines = await Promise.all(names.map((name) => view(name).catch(() => undefined)));
        return {
          pipelines: pipelines.flatMap((p) =>
            p === undefined
              ? []
              : [
                  {
                    name: p.name,
                    revision: p.revision,
                    updated_at: p.updated_at,
                    jobs: Object.keys(p.jobs).sort(),
                    desired_state: p.desired_state,
                  },
                ],
          ),
        };
      },
    );

    app.post(
      '/api/v2/pipelines',
      {
        schema: {
          tags,
          security: bearerSecurity,
          summary: 'Create a pipeline (or validate it with dry_run=true)',
          querystring: DryRunQuery,
          body: CreatePipelineBody,
          response: {
            200: DryRunResult,
            201: DeployedPipeline,
            ...errorResponses,
            ...validationResponses,
            ...connectionErrorResponses,
          },
        },
      },
      async (request, reply) => {
        const { name, config, jobs = {} } = request.body;
        const { tested, warnings } = await validate(
          name,
          { config, jobs },
          request.query.dry_run === true,
        );
        if (request.query.dry_run === true) {
          return reply
            .status(200)
            .send({ valid: true, dry_run: true, connections_tested: tested, warnings });
        }
        await savePipeline(rdi, name, { config, jobs }, { mode: 'create', now: clock.now() });
        return reply.status(201).send({ ...(await view(name)), warnings });
      },
    );

    app.get(
      '/api/v2/pipelines/:name',
      {
        schema: {
          tags,
          security: bearerSecurity,
          summary: 'Get a pipeline',
          params: PipelineParams,
          response: { 200: Pipeline, ...errorResponses },
        },
      },
      async (request) => view(request.params.name),
    );

    app.put(
      '/api/v2/pipelines/:name',
      {
        schema: {
          tags,
          security: bearerSecurity,
          summary: 'Create or replace a pipeline (or validate it with dry_run=true)',
          params: PipelineParams,
          querystring: DryRunQuery,
          body: PipelineBody,
          response: {
            200: Type.Union([DeployedPipeline, DryRunResult]),
            ...errorResponses,
            ...validationResponses,
            ...connectionErrorResponses,
          },
        },
      },
      async (request) => {
        const { config, jobs = {} } = request.body;
        const dryRun = request.query.dry_run === true;
        const { tested, warnings } = await validate(request.params.name, { config, jobs }, dryRun);
        if (dryRun)
          return {
            valid: true as const,
            dry_run: true as const,
            connections_tested: tested,
            warnings,
          };
        await savePipeline(
          rdi,
          request.params.name,
          { config, jobs },
          { mode: 'upsert', now: clock.now() },
        );
        return { ...(await view(request.params.name)), warnings };
      },
    );

    app.patch(
      '/api/v2/pipelines/:name',
      {
        schema: {
          tags,
          security: bearerSecurity,
          summary: 'Change the config or some jobs of a pipeline',
          params: PipelineParams,
          querystring: DryRunQuery,
          body: PatchPipelineBody,
          response: {
            200: Type.Union([DeployedPipeline, DryRunResult]),
            ...errorResponses,
            ...validationResponses,
            ...connectionErrorResponses,
          },
        },
      },
      async (request) => {
        const { name } = request.params;
        const stored = await readPipeline(rdi, name);
        const changes = request.body.jobs ?? {};
        const merged = Object.entries({ ...stored.jobs, ...changes });
        const jobs = Object.fromEntries(
          merged.filter((entry): entry is [string, string] => entry[1] !== null),
        );
        const definition = { config: request.body.config ?? stored.config, jobs };
        const dryRun = request.query.dry_run === true;
        const { tested, warnings } = await validate(name, definition, dryRun);
        if (dryRun)
          return {
            valid: true as const,
            dry_run: true as const,
            connections_tested: tested,
            warnings,
          };
        await savePipeline(rdi, name, definition, {
          mode: 'replace',
          now: clock.now(),
          // Without an explicit revision, the one read above: a concurrent change is not lost.
          expectedRevision: request.body.revision ?? stored.revision,
        });
        return { ...(await view(name)), warnings };
      },
    );

    app.delete(
      '/api/v2/pipelines/:name',
      {
        schema: {
          tags,
          security: bearerSecurity,
          summary: 'Delete a pipeline (the operator stops it)',
          params: PipelineParams,
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await deletePipeline(rdi, request.params.name);
        return reply.status(204).send(null);
      },
    );
    done();
  };
}
