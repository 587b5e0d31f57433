// Job names become file names in the operator's work folder: a name that is not a plain job
// name is refused before any file is written, so none can escape the folder.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../../common/errors.ts';
import { jobFile } from './pipeline-workspace.ts';

describe('jobFile', () => {
  it.each(['people', 'orders-2024', 'a.b', 'v1_2.final'])('places %s in jobs/', (name) => {
    expect(jobFile('/work/p', name)).toBe(join('/work/p', 'jobs', `${name}.yaml`));
  });

  it.each([
    '../../../x',
    '..',
    '.hidden',
    'a/b',
    'a\\b',
    'a..b',
    'x\u0000y',
    'x\r\ny',
    '',
    'a'.repeat(129),
  ])('refuses %j', (name) => {
    let error: unknown;
    try {
      jobFile('/work/p', name);
    } catch (caught) {
      error = caught;
    }
    expect(isSluiceError(error, 'JOB_INVALID')).toBe(true);
  });
});
