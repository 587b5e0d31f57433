// Job tests (`sluice test`) run with the processors section of the pipeline folder's config.yaml:
// its type rendering and output defaults, found from the folder or its jobs folder.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelineConfigOf } from '../../pipeline/load-processors.ts';
import { runJobTests } from './job-tests.ts';

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
describe('job tests with a config.yaml', () => {
  let dir = '';
  const job = `source:
  table: flags
output:
  - uses: redis.write
    with:
      data_type: hash
tests:
  - name: booleans
    input:
      - key: { id: 1 }
        after: { id: 1, on: true }
    expect:
      commands:
        - [DEL, 'flags:id:1']
        - [HSET, 'flags:id:1', id, '1', 'on', '1']
`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-type-rendering-'));
    await mkdir(join(dir, 'jobs'));
    await writeFile(join(dir, 'jobs', 'flags.yaml'), job);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds config.yaml from the pipeline folder and from its jobs folder', async () => {
    expect(await pipelineConfigOf(dir)).toBeUndefined();
    await writeFile(join(dir, 'config.yaml'), config(['processors:', '  type_rendering: rdi']));
    expect(await pipelineConfigOf(dir)).toBe(join(dir, 'config.yaml'));
    expect(await pipelineConfigOf(join(dir, 'jobs'))).toBe(join(dir, 'config.yaml'));
  });

  it('renders as the config says (no secrets needed), or as the option overrides', async () => {
    await writeFile(join(dir, 'config.yaml'), config(['processors:', '  type_rendering: rdi']));
    expect((await runJobTests(dir)).passed).toBe(1);
    expect((await runJobTests(join(dir, 'jobs'))).passed).toBe(1);
    const sluice = await runJobTests(dir, { typeRendering: 'sluice' });
    expect(sluice.failed).toBe(1);
    expect(sluice.results[0]?.diffs.join('\n')).toContain('expected "1", got "true"');
  });

  it('compiles outputs without a data_type with the config.yaml target_data_type', async () => {
    const other = await mkdtemp(join(tmpdir(), 'sluice-output-defaults-'));
    try {
      await writeFile(
        join(other, 'config.yaml'),
        config(['processors:', '  target_data_type: json']),
      );
      await mkdir(join(other, 'jobs'));
      await writeFile(
        join(other, 'jobs', 'flags.yaml'),
        `source:
  table: flags
tests:
  - name: json by default
    input:
      - key: { id: 1 }
        after: { id: 1, on: true }
    expect:
      commands:
        - [JSON.SET, 'flags:id:1', $, '{"id":1,"on":true}']
`,
      );
      const report = await runJobTests(other);
      expect(report.results.flatMap((r) => r.diffs)).toEqual([]);
      expect(report.passed).toBe(1);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('reports a bad processors section with its location', async () => {
    await writeFile(join(dir, 'config.yaml'), config(['processors:', '  type_rendering: 1']));
    await expect(runJobTests(dir)).rejects.toThrow(/config\.yaml:16:19: .*sluice, rdi/);
  });
});
