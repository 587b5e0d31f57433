// Source introspection: the schemas (or databases), tables, columns and primary keys of a
// deployed pipeline's source, or of connection details posted before a pipeline exists.
// Stored secrets fill a deployed source's `${NAME}` references; forbidden addresses are refused.

import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { SluiceError } from '../../common/errors.ts';
import { resolveEnvReferences } from '../../pipeline/env-references.ts';
import { bearerSecurity } from '../auth/require-token.ts';
import type { ApiDeps } from '../deps.ts';
import { BODY_LIMITS } from '../http/server-limits.ts';
import { ExpressionPool } from '../jobs/expression-pool.ts';
import { connectionErrorResponses, ErrorBody, errorResponses } from '../schemas/error-body.ts';
import {
  SourceSchemaBody,
  SourceSchemaParams,
  SourceSchemaResult,
} from '../schemas/source-schemas.ts';
import { introspectSource } from '../sources/introspect-source.ts';
import { readPipeline } from '../store/pipeline-store.ts';
import { secretRedactor } from '../secrets/redact-secrets.ts';
import { readSecretValues } from '../store/secret-store.ts';

const TIMEOUT_MS = 10_000;
const responses = {
  200: SourceSchemaResult,
  ...errorResponses,
  ...connectionErrorResponses,
  422: ErrorBody,
  504: ErrorBody,
};

export function sourceSchemaRoutes(deps: ApiDeps): FastifyPluginCallbackTypebox {
  const { rdi } = deps;
  // A stored config.yaml of up to 1 MiB is checked in a worker, not on the event loop.
  const pool = new ExpressionPool({ workers: 1, subject: 'the config check' });
  return (app, _options, done) => {
    app.addHook('onClose', () => pool.close());
    app.get(
      '/api/v2/pipelines/:name/source-schemas/:source',
      {
        schema: {
          tags: ['pipelines'],
          security: bearerSecurity,
          summary: "List a source's schemas, tables, columns and primary keys",
          params: SourceSchemaParams,
          response: responses,
        },
      },
      async (request) => {
        const { name, source } = request.params;
        const stored = await readPipeline(rdi, name);
        const secrets = await readSecretValues(rdi);
        const checked = await pool.run('check-pipeline', {
          config: stored.config,
          jobs: {},
          secrets,
        });
        if (checked.config === undefined) {
          throw new SluiceError('CONFIG_INVALID', 'The stored config.yaml is no longer valid.', {
            hint: 'redeploy the pipeline (a secret it references may have been deleted)',
          });
        }
        const config = checked.config.sources[source];
        if (config?.connection === undefined) {
          const known = Object.keys(checked.config.sources).join(', ');
          throw new SluiceError(
            'SOURCE_NOT_FOUND',
            `The pipeline has no source '${source}' with a connection.`,
            { path: 'params.source', hint: `its sources: ${known}` },
          );
        }
        const namespaces =
          config.connection.type === 'postgresql'
            ? (config.schemas ?? [])
            : (config.databases ??
              (config.connection.database === undefined ? [] : [config.connection.database]));
        const result = await introspectSource(config.connection, namespaces, {
          timeoutMs: TIMEOUT_MS,
          path: `sources.${source}.connection`,
          redact: secretRedactor(Object.values(secrets)),
        });
        return { source, ...result };
      },
    );

    app.post(
      '/api/v2/source-schemas',
      {
        bodyLimit: BODY_LIMITS.small,
        schema: {
          tags: ['pipelines'],
          security: bearerSecurity,
          summary: 'Introspect a source from connection details (before deploying)',
          body: SourceSchemaBody,
          response: responses,
        },
      },
      async (request) => {
        const { connection, schemas, databases } = request.body;
        // Posted details may name any host: resolving `${NAME}` here would let a caller send a
        // stored secret to a server of their choice. Deployed pipelines resolve them (GET above).
        const references = resolveEnvReferences(connection, {}).missing;
        const reference = references[0];
        if (reference !== undefined) {
          throw new SluiceError(
            'REQUEST_INVALID',
            `Secret references such as \${${reference.name}} are not resolved here.`,
            {
              path: ['body', 'connection', ...reference.path].join('.'),
              hint: 'give the value itself, or deploy the pipeline and use GET /api/v2/pipelines/{name}/source-schemas/{source}',
            },
          );
        }
        const namespaces =
          connection.type === 'postgresql'
            ? (schemas ?? [])
            : (databases ?? (connection.database === undefined ? [] : [connection.database]));
        return introspectSource(connection, namespaces, {
          timeoutMs: TIMEOUT_MS,
          path: 'body.connection',
        });
      },
    );
    done();
  };
}
