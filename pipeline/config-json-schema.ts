// The editor's JSON Schema of config.yaml (pipeline/config.schema.json), generated from the one
// TypeBox schema. Run `node pipeline/config-json-schema.ts` after changing the schema; a unit
// test fails while the committed file is stale.

import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PipelineConfigSchema } from './config-schema.ts';

export const CONFIG_JSON_SCHEMA_FILE = fileURLToPath(
  new URL('config.schema.json', import.meta.url),
);

/**
 * The schema as editors should see it. Differences from the validation schema: keys with a
 * default are not required (the loader fills them in), and a mapping with a default may be
 * written empty (`processors:`), as RDI allows.
 */
export function configJsonSchema(): Record<string, unknown> {
  // JSON round trip: drops TypeBox's symbol-keyed metadata and gives a private copy.
  const schema = JSON.parse(JSON.stringify(PipelineConfigSchema)) as Record<string, unknown>;
  relaxDefaults(schema);
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...schema };
}

export function relaxDefaults(node: unknown): void {
  if (typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const item of node) relaxDefaults(item);
    return;
  }
  const record = node as Record<string, unknown>;
  const withDefault = new Set<string>();
  for (const [key, property] of Object.entries(asRecord(record['properties']))) {
    const schema = asRecord(property);
    if (!('default' in schema)) continue;
    withDefault.add(key);
    if (schema['type'] === 'object') schema['type'] = ['object', 'null'];
  }
  if (Array.isArray(record['required'])) {
    const required = record['required'].filter((key) => !withDefault.has(String(key)));
    if (required.length > 0) record['required'] = required;
    else delete record['required'];
  }
  // Record entries carry `default: {}` only so that TypeBox fills defaults inside them.
  for (const entry of Object.values(asRecord(record['patternProperties']))) {
    delete asRecord(entry)['default'];
  }
  for (const child of Object.values(record)) relaxDefaults(child);
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** config.schema.json's text, formatted like every other file of the repository. */
export async function renderConfigJsonSchema(): Promise<string> {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(CONFIG_JSON_SCHEMA_FILE)) ?? {};
  return prettier.format(JSON.stringify(configJsonSchema()), { ...options, parser: 'json' });
}

export async function writeConfigJsonSchema(file = CONFIG_JSON_SCHEMA_FILE): Promise<void> {
  await writeFile(file, await renderConfigJsonSchema());
}

if (import.meta.main) await writeConfigJsonSchema();
