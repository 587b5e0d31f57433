// Every scaffolded config.yaml is valid for Sluice's own loader once its secrets exist, and
// holds no literal credentials.
import { describe, expect, it } from 'vitest';
import { checkPipelineConfig } from '../pipeline/load-config.ts';
import { configTemplate, DB_TYPES, jobTemplate } from './scaffold-templates.ts';

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
    expect(text).toMatch(
      /password: \$\{SOURCE_DB_PASSWORD\}|connection_string: \$\{SOURCE_DB_CONNECTION_STRING\}/,
    );
    expect(jobTemplate(type)).toContain('source:');
  });
});
