// GET /api/v2/info (no token): what is answering, for clients to check the URL and version.

import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { ApiDeps } from '../deps.ts';
import { Info } from '../schemas/auth.ts';

export function infoRoutes(deps: ApiDeps): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    app.get(
      '/api/v2/info',
      { schema: { tags: ['info'], summary: 'Server name and version', response: { 200: Info } } },
      () => ({ name: 'sluice' as const, version: deps.version, api_versions: ['v1', 'v2'] }),
    );
    done();
  };
}
