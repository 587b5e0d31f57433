// Reads an RDI pipeline folder: config.yaml and jobs/*.yaml (or .yml), as the texts the API
// stores. Job names are the file names without the extension; job tests (`<job>.test.yaml`)
// stay local: they are run by `sluice test`, not deployed.

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiProblem } from '../api/schemas/api-types.ts';
import { SluiceError } from '../common/errors.ts';

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

/**
 * The API's deploy warnings (RDI keys that have no effect in Sluice) as lines for stderr, each
 * at its file in the folder, e.g. `warning: pipeline/config.yaml:6:3: processors.dedup …`.
 */
export function warningLines(dir: string, warnings: readonly ApiProblem[]): string[] {
  return warnings.map(({ file, line, column, message }) => {
    const at = file === undefined ? '' : `${join(dir, file)}:${line ?? 1}:${column ?? 1}: `;
    return `warning: ${at}${message}\n`;
  });
}
