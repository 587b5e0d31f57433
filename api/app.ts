// Builds the Fastify app from injected dependencies: error handling, request log, OpenAPI,
// the open routes (login, info, docs) and, behind the token guard, every other route.
// Only server.ts listens; tests call buildApp and use inject().

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { requireToken } from './auth/require-token.ts';
import type { ApiDeps } from './deps.ts';
import { installErrorHandler } from './http/error-handler.ts';
import { registerOpenApi } from './http/openapi.ts';
import { installRequestLog } from './http/request-log.ts';
import { dlqRoutes } from './routes/dlqs.ts';
import { infoRoutes } from './routes/info.ts';
import { jobDryRunRoutes } from './routes/job-dry-run.ts';
import { loginRoutes } from './routes/login.ts';
import { pipelineControlRoutes } from './routes/pipeline-control.ts';
import { pipelineStatusRoutes } from './routes/pipeline-status.ts';
import { pipelineRoutes } from './routes/pipelines.ts';
import { secretRoutes } from './routes/secrets.ts';
import { sourceSchemaRoutes } from './routes/source-schemas.ts';
import { traceRoutes } from './routes/trace.ts';

/** Largest request body: a 1 MiB config.yaml plus its jobs. */
const BODY_LIMIT = 8 * 1024 * 1024;

export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  if (deps.token.secret.byteLength < 32)
    throw new Error('the token secret must be at least 32 bytes');
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  installErrorHandler(app, deps.logger);
  installRequestLog(app, deps.logger, deps.clock);
  await registerOpenApi(app, deps.version);
  await app.register(loginRoutes(deps));
  await app.register(infoRoutes(deps));
  await app.register(async (secured) => {
    requireToken(secured, deps);
    await secured.register(pipelineRoutes(deps));
    await secured.register(pipelineControlRoutes(deps));
    await secured.register(pipelineStatusRoutes(deps));
    await secured.register(dlqRoutes(deps));
    await secured.register(secretRoutes(deps));
    await secured.register(jobDryRunRoutes(deps));
    await secured.register(traceRoutes(deps));
    await secured.register(sourceSchemaRoutes(deps));
  });
  await app.ready();
  return app;
}
