// The committed job.schema.json must match the TypeBox schema it is generated from.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { JOB_JSON_SCHEMA_FILE, jobJsonSchema, renderJobJsonSchema } from './job-json-schema.ts';

describe('job.schema.json', () => {
  it('is up to date (regenerate with `node pipeline/job-json-schema.ts`)', async () => {
    expect(await readFile(JOB_JSON_SCHEMA_FILE, 'utf8')).toBe(await renderJobJsonSchema());
  });

  it('lets editors omit keys that have defaults', () => {
    const source = (jobJsonSchema()['properties'] as Record<string, { required?: string[] }>)[
      'source'
    ];
    expect(source?.required).toEqual(['table']);
  });
});
