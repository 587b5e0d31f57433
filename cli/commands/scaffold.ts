// `sluice scaffold --db-type <type> --dir <dir>`: writes an RDI-style pipeline folder
// (config.yaml and jobs/) to start from. Never overwrites files unless --force.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { SluiceError } from '../../common/errors.ts';
import type { Runtime } from '../runtime.ts';
import {
  configTemplate,
  DB_FLAVORS,
  DB_TYPES,
  jobTemplate,
  type DbFlavor,
  type DbType,
} from '../scaffold-templates.ts';

export function registerScaffoldCommand(program: Command, rt: Runtime): void {
  program
    .command('scaffold')
    .description('write a new pipeline folder (config.yaml + jobs/) for a source database type')
    .addOption(
      new Option('--db-type <type>', 'source database type')
        .choices(DB_TYPES)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--db-flavor <flavor>', 'MongoDB deployment (RDI flavors)').choices(DB_FLAVORS),
    )
    .option('-d, --dir <dir>', 'folder to write', '.')
    .option('--force', 'overwrite existing files')
    .action(
      async (options: { dbType: DbType; dbFlavor?: DbFlavor; dir: string; force?: boolean }) => {
        const files: [string, string][] = [
          [join(options.dir, 'config.yaml'), configTemplate(options.dbType, options.dbFlavor)],
          [join(options.dir, 'jobs', 'example.yaml'), jobTemplate(options.dbType)],
        ];
        await mkdir(join(options.dir, 'jobs'), { recursive: true });
        for (const [path, text] of files) {
          try {
            await writeFile(path, text, { flag: options.force === true ? 'w' : 'wx' });
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
              throw new SluiceError('PIPELINE_EXISTS', `${path} exists already.`, {
                hint: 'use --force to overwrite it',
              });
            }
            throw error;
          }
          rt.io.out(`wrote ${path}\n`);
        }
      },
    );
}
