// Reads an RDI pipeline folder: config.yaml and jobs/*.yaml (or .yml), as the texts the API
// stores. Job names are the file names without the extension; job tests (`<job>.test.yaml`)
// stay local: they are run by `sluice test`, not deployed.

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SluiceError } from '../common/errors.ts';
import { configNoticesOfText } from '../pipeline/config-notices.ts';

export interface PipelineFolder {
  readonly config: string;
  readonly jobs: Record<string, string>;
}

export async function readPipelineDir(dir: string): Promise<PipelineFolder> {
  let config: string;
  try {
    config = await readFile(join(dir, 'config.yaml'), 'utf8');
  } catch (error) {
    throw new SluiceError('FILE_NOT_FOUND', `There is no config.yaml in ${dir}.`, {
      cause: error,
      hint: 'create one with `sluice scaffold --db-type postgresql --dir <dir>`',
    });
  }
  const jobs: Record<string, string> = {};
  let files: string[] = [];
  try {
    files = await readdir(join(dir, 'jobs'));
  } catch {
    files = [];
  }
  for (const file of files.sort()) {
    const match = /^(.+)\.ya?ml$/.exec(file);
    if (match?.[1] === undefined || match[1].endsWith('.test')) continue;
    if (match[1] in jobs) {
      throw new SluiceError('JOB_INVALID', `Two job files are named ${match[1]} (.yaml and .yml).`);
    }
    jobs[match[1]] = await readFile(join(dir, 'jobs', file), 'utf8');
  }
  return { config, jobs };
}

/** Deploy-time warnings of the folder's config.yaml: RDI keys that have no effect in Sluice. */
export function configWarnings(dir: string, folder: PipelineFolder): string[] {
  return configNoticesOfText(folder.config, join(dir, 'config.yaml')).map(
    ({ location, message }) =>
      `warning: ${location.file}:${location.line}:${location.column}: ${message}\n`,
  );
}
