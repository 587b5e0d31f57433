// The OpenAPI document is generated from the route schemas (the same TypeBox objects that
// validate requests) and served as JSON at /openapi.json and interactively at /docs.

import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/**
 * A route schema with `'x-body-optional': true` accepts no body at all (the route fills in the
 * default); @fastify/swagger marks every body required, so the document is corrected here.
 */
export const OPTIONAL_BODY = { 'x-body-optional': true } as const;

type Operation = { requestBody?: { required?: boolean }; 'x-body-optional'?: boolean };

function markOptionalBodies(document: { paths?: Record<string, Record<string, unknown>> }): void {
  for (const path of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(path) as Operation[]) {
      if (operation['x-body-optional'] !== true) continue;
      delete operation['x-body-optional'];
      if (operation.requestBody !== undefined) operation.requestBody.required = false;
    }
  }
}

export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    transformObject: (documentObject) => {
      const document = 'openapiObject' in documentObject ? documentObject.openapiObject : {};
      markOptionalBodies(document as { paths?: Record<string, Record<string, unknown>> });
      return document;
    },
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Sluice API',
        version,
        description:
          'Control plane of Sluice: pipelines, start/stop/reset, status, dead-letter queues and secrets. ' +
          'Log in with POST /api/v1/login and send the token as `Authorization: Bearer <token>`.',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
}
