// Every example pipeline under examples/ loads (config.yaml and jobs) and passes its job tests;
// every YAML job example in docs/jobs.md loads and compiles.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePipelineConfig } from '../../pipeline/load-config.ts';
import { parseJobFile } from '../../pipeline/load-jobs.ts';
import { compileJob } from './compile-job.ts';
import { runJobTests } from './job-tests.ts';

const root = join(import.meta.dirname, '..', '..');
const examples = join(root, 'examples');
const folders = (await readdir(examples, { withFileTypes: true }))
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

describe.each(folders)('examples/%s', (folder) => {
  it('has a valid config.yaml', async () => {
    const file = join(examples, folder, 'config.yaml');
    const text = await readFile(file, 'utf8');
    expect(
      parsePipelineConfig(text, file, Object.fromEntries(envNames(text).map((n) => [n, 'x']))),
    ).toBeDefined();
  });

  it('passes its job tests', async () => {
    const report = await runJobTests(join(examples, folder));
    expect(report.results.filter((r) => !r.passed)).toEqual([]);
    expect(report.passed).toBeGreaterThan(0);
  });
});

function envNames(text: string): string[] {
  return [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1] ?? '');
}

describe('docs/jobs.md', async () => {
  const text = await readFile(join(root, 'docs', 'jobs.md'), 'utf8');
  const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const jobs = blocks.filter((block) => /^source:/m.test(block));

  it('has job examples', () => {
    expect(jobs.length).toBeGreaterThan(10);
  });

  it.each(jobs.map((block, i) => [i, block] as const))(
    'example %i loads and compiles',
    (i, block) => {
      const job = compileJob(parseJobFile(block, `docs/jobs.md#example-${i}`, { PREFIX: 'p' }));
      expect(job.outputs.length).toBeGreaterThan(0);
    },
  );
});
