// A pipeline folder survives a zip round trip, and uploads find config.yaml in a top folder.
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { unzipFolder, zipFolder } from './pipeline-zip.ts';

describe('pipeline zip', () => {
  it('round-trips config.yaml, jobs and job tests', () => {
    const entries: [string, string][] = [
      ['config.yaml', 'sources: {}\n'],
      ['jobs/people.yaml', 'source:\n  table: people\n'],
      ['jobs/people.test.yaml', 'tests: []\n'],
    ];
    expect([...unzipFolder(zipFolder('default', entries))]).toEqual(entries);
  });

  it('reads a zip without a top folder and leaves other files out', () => {
    const zip = zipSync({
      'config.yaml': strToU8('a: 1\n'),
      'notes.txt': strToU8('x'),
      'jobs/a.yml': strToU8('b: 2\n'),
      'jobs/deep/c.yaml': strToU8('c: 3\n'),
    });
    expect([...unzipFolder(zip)]).toEqual([
      ['config.yaml', 'a: 1\n'],
      ['jobs/a.yml', 'b: 2\n'],
    ]);
  });

  it('refuses a zip without config.yaml', () => {
    expect(() => unzipFolder(zipSync({ 'jobs/a.yaml': strToU8('') }))).toThrow(/config\.yaml/);
  });
});
