// processors.type_rendering in config.yaml: default, both values, and a bad value located at its
// file, line, column and key; the processors-only loader that job tests and the CLI dry-run use.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isSluiceError, type SluiceError } from '../common/errors.ts';
import { parsePipelineConfig } from './load-config.ts';
import { parseProcessorsSection } from './load-processors.ts';

function config(processors: readonly string[]): string {
  return [
    'sources:',
    '  pg:',
    '    connection:',
    '      type: postgresql',
    '      host: db',
    '      port: 5432',
    '      database: shop',
    '      user: app',
    '      password: ${SOURCE_DB_PASSWORD}',
    'targets:',
    '  target:',
    '    connection:',
    '      host: localhost',
    '      port: 6379',
    ...processors,
    '',
  ].join('\n');
}
const ENV = { SOURCE_DB_PASSWORD: 'pw' };

function thrown(run: () => unknown): SluiceError {
  try {
    run();
  } catch (error) {
    if (isSluiceError(error)) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('processors.type_rendering', () => {
  it('defaults to sluice and accepts rdi', () => {
    expect(parsePipelineConfig(config([]), 'config.yaml', ENV).processors.type_rendering).toBe(
      'sluice',
    );
    const rdi = config(['processors:', '  type_rendering: rdi']);
    expect(parsePipelineConfig(rdi, 'config.yaml', ENV).processors.type_rendering).toBe('rdi');
  });

  it('refuses another value, naming the file, line, column and key and the allowed values', () => {
    const text = config(['processors:', '  read_batch_size: 10', '  type_rendering: RDI']);
    const error = thrown(() => parsePipelineConfig(text, 'pipelines/shop/config.yaml', ENV));
    expect(error).toMatchObject({
      code: 'CONFIG_INVALID',
      path: 'processors.type_rendering',
      location: { file: 'pipelines/shop/config.yaml', line: 17, column: 19 },
    });
    expect(error.message).toMatch(
      /^pipelines\/shop\/config\.yaml:17:19: .*must be one of: sluice, rdi/,
    );
  });

  it('may come from a ${NAME} reference', () => {
    const text = config(['processors:', '  type_rendering: ${RENDERING}']);
    const parsed = parsePipelineConfig(text, 'config.yaml', { ...ENV, RENDERING: 'rdi' });
    expect(parsed.processors.type_rendering).toBe('rdi');
  });
});

describe('parseProcessorsSection', () => {
  it('reads the processors settings without the secrets of sources and targets', () => {
    const text = config(['processors:', '  type_rendering: rdi', '  target_data_type: json']);
    expect(parseProcessorsSection(text, 'config.yaml', {})).toMatchObject({
      type_rendering: 'rdi',
      target_data_type: 'json',
      read_batch_size: 2000,
    });
    expect(parseProcessorsSection(config([]), 'config.yaml', {}).type_rendering).toBe('sluice');
    expect(parseProcessorsSection(config(['processors:']), 'config.yaml', {})).toMatchObject({
      type_rendering: 'sluice',
    });
  });

  it('locates a bad value, an unknown key and a missing secret inside the section', () => {
    const bad = thrown(() =>
      parseProcessorsSection(config(['processors:', '  type_rendering: iso']), 'c.yaml', {}),
    );
    expect(bad).toMatchObject({
      path: 'processors.type_rendering',
      location: { file: 'c.yaml', line: 16, column: 19 },
    });
    const unknown = thrown(() =>
      parseProcessorsSection(config(['processors:', '  type_renderin: rdi']), 'c.yaml', {}),
    );
    expect(unknown).toMatchObject({ path: 'processors.type_renderin', location: { line: 16 } });
    expect(unknown.message).toContain('type_rendering');
    const missing = thrown(() =>
      parseProcessorsSection(config(['processors:', '  type_rendering: ${R}']), 'c.yaml', {}),
    );
    expect(missing).toMatchObject({ code: 'CONFIG_MISSING_SECRET', location: { line: 16 } });
  });
});

describe('docs/types.md', () => {
  it('shows a processors section that loads with type_rendering: rdi', () => {
    const text = readFileSync(new URL('../docs/types.md', import.meta.url), 'utf8');
    const block = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((match) => match[1] ?? '')
      .find((yaml) => yaml.includes('type_rendering'));
    expect(block).toBeDefined();
    expect(parseProcessorsSection(block ?? '', 'docs/types.md', {}).type_rendering).toBe('rdi');
  });
});
