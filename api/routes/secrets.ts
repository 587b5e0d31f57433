// Secrets: write-only. PUT stores a value, DELETE removes it, GET lists names. No route ever
// returns a value, and the request log never records bodies.

import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { bearerSecurity } from '../auth/require-token.ts';
import type { ApiDeps } from '../deps.ts';
import { BODY_LIMITS } from '../http/server-limits.ts';
import { errorResponses } from '../schemas/error-body.ts';
import { SecretBody, SecretList, SecretParams, SecretRef } from '../schemas/secrets.ts';
import { deleteSecret, listSecretNames, setSecret } from '../store/secret-store.ts';

const tags = ['secrets'];

export function secretRoutes(deps: ApiDeps): FastifyPluginCallbackTypebox {
  const { rdi, logger } = deps;
  return (app, _options, done) => {
    app.get(
      '/api/v2/secrets',
      {
        schema: {
          tags,
          security: bearerSecurity,
          summary: 'List secret names',
          response: { 200: SecretList, ...errorResponses },
        },
      },
      async () => ({ secrets: (await listSecretNames(rdi)).map((name) => ({ name })) }),
    );

    app.put(
      '/api/v2/secrets/:key',
      {
        bodyLimit: BODY_LIMITS.secret,
        schema: {
          tags,
          security: bearerSecurity,
          summary: 'Set a secret',
          params: SecretParams,
          body: SecretBody,
          response: { 200: SecretRef, 201: SecretRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const created = await setSecret(rdi, request.params.key, request.body.value);
        logger.info('Secret set.', { name: request.params.key, user: request.user ?? 'unknown' });
        return reply.status(created ? 201 : 200).send({ name: request.params.key });
      },
    );

    app.delete(
      '/api/v2/secrets/:key',
      {
        schema: {
          tags,
          security: bearerSecurity,
          summary: 'Delete a secret',
          params: SecretParams,
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await deleteSecret(rdi, request.params.key);
        logger.info('Secret deleted.', {
          name: request.params.key,
          user: request.user ?? 'unknown',
        });
        return reply.status(204).send(null);
      },
    );
    done();
  };
}
