// The RDI compatibility suite: every folder here is a pipeline folder holding RDI 1.19's
// documented example jobs verbatim, with the documented inputs and outputs as job tests
// (`sluice test <folder>`). One folder per page, or per table where a page reuses one.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runJobTests } from '../../processor/jobs/job-tests.ts';

const here = import.meta.dirname;
const folders = readdirSync(here).filter(
  (name) => statSync(join(here, name)).isDirectory() && name !== 'functions',
);

describe('RDI documented example jobs', () => {
  it.each(folders)('%s', async (folder) => {
    const report = await runJobTests(join(here, folder));
    const failures = report.results.filter((r) => !r.passed);
    expect(failures.map((f) => `${f.file} ${f.test}: ${f.diffs.join('; ')}`)).toEqual([]);
    expect(report.passed).toBeGreaterThan(0);
  });
});
