import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  CONFIG_JSON_SCHEMA_FILE,
  configJsonSchema,
  renderConfigJsonSchema,
} from './config-json-schema.ts';

describe('config.schema.json', () => {
  it('is up to date with the schema (regenerate: node pipeline/config-json-schema.ts)', async () => {
    const committed = await readFile(CONFIG_JSON_SCHEMA_FILE, 'utf8');
    expect(committed).toBe(await renderConfigJsonSchema());
  });

  it('does not require keys that have defaults, and lets defaulted sections be empty', () => {
    const schema = configJsonSchema() as {
      required: string[];
      properties: { processors: { type: unknown; required?: unknown } };
    };
    expect(schema.required).toEqual(['sources', 'targets']);
    expect(schema.properties.processors.type).toEqual(['object', 'null']);
    expect(schema.properties.processors.required).toBeUndefined();
  });

  it('holds no TypeBox-only data', () => {
    const text = JSON.stringify(configJsonSchema());
    expect(text).not.toContain('TypeBox');
    expect(text).toContain('"additionalProperties":false');
  });
});
