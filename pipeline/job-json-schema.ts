// The editor's JSON Schema of job files (pipeline/job.schema.json), generated from the one
// TypeBox schema. Run `node pipeline/job-json-schema.ts` after changing the schema; a unit test
// fails while the committed file is stale.

import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { relaxDefaults } from './config-json-schema.ts';
import { JobFileSchema } from './job-schema.ts';

export const JOB_JSON_SCHEMA_FILE = fileURLToPath(new URL('job.schema.json', import.meta.url));

/** The schema as editors should see it: keys with a default are optional. */
export function jobJsonSchema(): Record<string, unknown> {
  // JSON round trip: drops TypeBox's symbol-keyed metadata and gives a private copy.
  const schema = JSON.parse(JSON.stringify(JobFileSchema)) as Record<string, unknown>;
  relaxDefaults(schema);
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...schema };
}

/** job.schema.json's text, formatted like every other file of the repository. */
export async function renderJobJsonSchema(): Promise<string> {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(JOB_JSON_SCHEMA_FILE)) ?? {};
  return prettier.format(JSON.stringify(jobJsonSchema()), { ...options, parser: 'json' });
}

if (import.meta.main) await writeFile(JOB_JSON_SCHEMA_FILE, await renderJobJsonSchema());
