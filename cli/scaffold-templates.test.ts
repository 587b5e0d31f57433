// Every scaffolded config.yaml is valid for Sluice's own loader once its secrets exist, and
// holds no literal credentials.
import { describe, expect, it } from 'vitest';
import { renderDebeziumProperties } from '../debezium-config/render-properties.ts';
import { checkPipelineConfig } from '../pipeline/load-config.ts';
import { configTemplate, DB_FLAVORS, DB_TYPES, jobTemplate } from './scaffold-templates.ts';

const secrets = {
  SOURCE_DB_USERNAME: 'u',
  SOURCE_DB_PASSWORD: 'p',
  SOURCE_DB_CONNECTION_STRING: 'mongodb://h:27017',
  TARGET_DB_USERNAME: 'default',
  TARGET_DB_PASSWORD: 't',
};

describe('scaffold templates', () => {
  it.each(DB_TYPES)('writes a valid config.yaml for %s', (type) => {
    const text = configTemplate(type);
    const checked = checkPipelineConfig(text, 'config.yaml', secrets);
    expect(checked.ok ? [] : checked.errors.map((e) => e.message)).toEqual([]);
    expect(text).toMatch(/password: \$\{SOURCE_DB_PASSWORD\}/);
    expect(jobTemplate(type)).toContain('source:');
    // It renders to Debezium properties, and says what the database needs first.
    if (!checked.ok) return;
    const [source] = Object.keys(checked.config.sources);
    expect(() =>
      renderDebeziumProperties(checked.config, source ?? '', { host: 'rdi', port: 6379 }),
    ).not.toThrow();
    expect(text).toContain('# Before you start');
  });

  it.each(DB_FLAVORS)('writes a valid MongoDB config.yaml for %s', (flavor) => {
    const checked = checkPipelineConfig(configTemplate('mongodb', flavor), 'config.yaml', secrets);
    expect(checked.ok ? [] : checked.errors.map((e) => e.message)).toEqual([]);
  });
});
