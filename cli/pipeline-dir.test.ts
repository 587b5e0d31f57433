// The pipeline folder as `sluice deploy --dir` uploads it: job files only (their sibling
// `*.test.yaml` job tests stay local), warnings for RDI keys without effect, and API errors
// that name their key once.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiErrorOf } from './api-error.ts';
import { readPipelineDir, warningLines } from './pipeline-dir.ts';

const CONFIG = [
  'sources: {}',
  'targets:',
  '  target:',
  '    connection: {host: localhost, port: 6379}',
  'processors:',
  '  dedup: true',
  '',
].join('\n');

describe('the pipeline folder of sluice deploy', () => {
  it('uploads job files, not job tests', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-dir-'));
    await mkdir(join(dir, 'jobs'));
    await writeFile(join(dir, 'config.yaml'), CONFIG);
    await writeFile(join(dir, 'jobs', 'people.yaml'), 'source:\n  table: people\n');
    await writeFile(join(dir, 'jobs', 'people.test.yaml'), 'tests: []\n');
    await writeFile(join(dir, 'jobs', 'orders.yml'), 'source:\n  table: orders\n');
    const folder = await readPipelineDir(dir);
    expect(Object.keys(folder.jobs).sort()).toEqual(['orders', 'people']);
  });

  it("prints the API's warnings at their file in the folder", () => {
    const lines = warningLines('pipeline', [
      {
        code: 'CONFIG_NO_EFFECT',
        message: 'processors.dedup has no effect in Sluice: no deduplication set is kept',
        path: 'processors.dedup',
        file: 'config.yaml',
        line: 6,
        column: 3,
      },
      { code: 'CONFIG_NO_EFFECT', message: 'no location' },
    ]);
    expect(lines).toEqual([
      `warning: ${join('pipeline', 'config.yaml')}:6:3: processors.dedup has no effect in Sluice: no deduplication set is kept\n`,
      'warning: no location\n',
    ]);
  });
});

describe('an API error on the command line', () => {
  it("names its key once (the API's message already says where)", () => {
    const error = apiErrorOf(400, {
      code: 'CONFIG_INVALID',
      message: "config.yaml:3:5: must be an integer (at 'processors.read_batch_size')",
      path: 'processors.read_batch_size',
    });
    expect(error.message.match(/\(at '/g)).toHaveLength(1);
    expect(error.path).toBe('processors.read_batch_size');
  });
});
