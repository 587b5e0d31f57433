// The editor's checks are the loader's: same messages at the same line:column, `${NAME}` of a
// stored secret counts as set, and the files the editor creates start without problems.
import { describe, expect, it } from 'vitest';
import { checkFile, secretReferences, targetsOf } from './local-validation.ts';
import { newJob, newJobTest } from './new-files.ts';

const CONFIG = `sources:
  pg:
    type: cdc
    connection:
      type: postgresql
      host: \${DB_HOST}
      port: \${DB_PORT}
      database: shop
      user: app
      password: \${DB_PASSWORD}
targets:
  target:
    connection:
      type: redis
      host: localhost
      port: 6379
`;
const context = { secretNames: ['DB_HOST', 'DB_PORT', 'DB_PASSWORD'], targets: undefined };

describe('editor checks', () => {
  it('accepts a config whose secrets are stored, without knowing their values', () => {
    expect(checkFile('config.yaml', CONFIG, context)).toEqual([]);
    expect(targetsOf(CONFIG, context)).toEqual(['target']);
  });

  it('reports a secret that is not stored at its reference', () => {
    const problems = checkFile('config.yaml', CONFIG, { ...context, secretNames: ['DB_HOST'] });
    expect(problems.map((p) => [p.code, p.line])).toEqual([
      ['CONFIG_MISSING_SECRET', 7],
      ['CONFIG_MISSING_SECRET', 10],
    ]);
  });

  it('reports an unknown key of a job at its line and column, as sluice does', () => {
    const problems = checkFile(
      'jobs/people.yaml',
      'source:\n  table: people\ntransfrom: []\n',
      context,
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 3, column: 1, code: 'CONFIG_UNKNOWN_KEY' });
    expect(problems[0]?.message).toMatch(/^jobs\/people\.yaml:3:1: unknown key 'transfrom'/);
  });

  it('checks job connections against the config targets', () => {
    const job = newJob('people').replace(
      'data_type: hash',
      'data_type: hash\n      connection: other',
    );
    expect(checkFile('jobs/people.yaml', job, { ...context, targets: ['target'] })).toHaveLength(1);
  });

  it('starts new job and job test files without problems', () => {
    expect(checkFile('jobs/people.yaml', newJob('people'), context)).toEqual([]);
    expect(checkFile('jobs/people.test.yaml', newJobTest(), context)).toEqual([]);
  });

  it('lists the secret references of a text once each', () => {
    expect(secretReferences(CONFIG + 'x: ${DB_HOST}')).toEqual([
      'DB_HOST',
      'DB_PORT',
      'DB_PASSWORD',
    ]);
  });
});
