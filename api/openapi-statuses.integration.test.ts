// The served OpenAPI document lists the statuses routes really return: 502 where a connection
// to another server can fail, 429 on the trace limit, 403 for missing roles, 414 for a too
// long path parameter.
import { describe, expect, it } from 'vitest';
import { useApiFixture } from './testing/api-fixture.ts';

const api = useApiFixture();

type Document = { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };

describe('OpenAPI statuses', () => {
  it('documents 502, 429, 403 and 414 where routes return them', async () => {
    const doc = (
      await api.call({ method: 'GET', url: '/openapi.json', token: false })
    ).json<Document>();
    const statuses = (path: string, method: string): string[] =>
      Object.keys(doc.paths[path]?.[method]?.responses ?? {});
    for (const method of ['post']) expect(statuses('/api/v2/pipelines', method)).toContain('502');
    for (const method of ['put', 'patch']) {
      expect(statuses('/api/v2/pipelines/{name}', method)).toContain('502');
    }
    expect(statuses('/api/v2/source-schemas', 'post')).toContain('502');
    expect(statuses('/api/v2/pipelines/{name}/source-schemas/{source}', 'get')).toContain('502');
    expect(statuses('/api/v2/pipelines/{name}/trace', 'post')).toContain('429');
    expect(statuses('/api/v2/secrets/{key}', 'put')).toEqual(
      expect.arrayContaining(['403', '414']),
    );
  });
});
