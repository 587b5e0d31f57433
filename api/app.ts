// Builds the Fastify app from injected dependencies: error handling, request log, OpenAPI,
// the open routes (login, info, docs, the web UI) and, behind the token guard, every other route.
// Only server.ts listens; tests call buildApp and use inject().

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { requireToken } from './auth/require-token.ts';
import { aclRights } from './auth/user-rights.ts';
import type { ApiDeps } from './deps.ts';
import { frameworkErrorReply, installErrorHandler } from './http/error-handler.ts';
import { recordRouteMethods } from './http/method-not-allowed.ts';
import {
  BODY_LIMITS,
  closeConnectionsWithUnreadBodies,
  DEFAULT_HTTP_LIMITS,
  limitedServerFactory,
} from './http/server-limits.ts';
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
import { registerUi } from './ui/ui-routes.ts';

export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  if (deps.token.secret.byteLength < 32)
    throw new Error('the token secret must be at least 32 bytes');
  const app = Fastify({
    logger: false,
    // The default for routes that set none; small bodies set their own (BODY_LIMITS).
    bodyLimit: BODY_LIMITS.pipeline,
    serverFactory: limitedServerFactory({ ...DEFAULT_HTTP_LIMITS, ...deps.httpLimits }),
    frameworkErrors: frameworkErrorReply,
    // Above every parameter's maxLength even percent-encoded (12 characters for one): a long
    // parameter is a 400 naming it; only beyond this a 414.
    maxParamLength: 8192,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  const routes = recordRouteMethods(app);
  installErrorHandler(app, deps.logger, routes);
  closeConnectionsWithUnreadBodies(app);
  installRequestLog(app, deps.logger, deps.clock);
  await registerOpenApi(app, deps.version);
  await registerUi(app);
  await app.register(loginRoutes(deps));
  await app.register(infoRoutes(deps));
  await app.register(async (secured) => {
    requireToken(secured, deps, deps.rights ?? aclRights(deps.rdi, deps.clock));
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
