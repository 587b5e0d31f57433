// Turns the pipeline stored in the RDI database into what the children need: config.yaml and
// the jobs in a private working folder (0700, files 0600), the config parsed with `${NAME}`
// resolved from the stored secrets, and the one source Debezium Server captures from.

import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Redis } from 'ioredis';
import { SluiceError } from '../../common/errors.ts';
import { replicationSlotName } from '../../debezium-config/render-source-identity.ts';
import {
  parsePipelineConfig,
  type PipelineConfig,
  type SourceConfig,
  type SourceConnectionConfig,
} from '../../pipeline/load-config.ts';
import { readSecretValues } from '../store/secret-store.ts';
import { readPipeline } from '../store/pipeline-store.ts';
import { freePort } from '../../common/free-port.ts';
import { isJobName, isPipelineName } from '../schemas/common.ts';

export interface CaptureSource {
  readonly name: string;
  readonly connection: SourceConnectionConfig;
}

export interface PreparedPipeline {
  readonly name: string;
  readonly revision: number;
  readonly config: PipelineConfig;
  readonly source: CaptureSource;
  readonly slotName: string;
  /** Private working folder: config.yaml, jobs/, logs, Debezium's folder. */
  readonly dir: string;
  readonly configFile: string;
  /** Values of `${NAME}` references, for the processor's environment. */
  readonly secrets: Readonly<Record<string, string>>;
  /** Debezium Server's health port. */
  readonly httpPort: number;
}

export async function preparePipeline(opts: {
  rdi: Redis;
  name: string;
  parentDir: string;
}): Promise<PreparedPipeline> {
  const stored = await readPipeline(opts.rdi, opts.name);
  const secrets = await readSecretValues(opts.rdi);
  const config = parsePipelineConfig(stored.config, 'config.yaml', secrets);
  const source = captureSource(config);
  // Checked before anything is created, so a refused name leaves no half-made folder behind.
  if (!isPipelineName(opts.name)) {
    throw new SluiceError(
      'REQUEST_INVALID',
      `The pipeline name ${JSON.stringify(opts.name)} is not allowed.`,
      {
        hint: 'pipeline names use letters, digits, _ and - (at most 64)',
      },
    );
  }
  for (const job of Object.keys(stored.jobs)) jobFile(opts.parentDir, job);
  const httpPort = await freePort();

  await mkdir(opts.parentDir, { recursive: true });
  const dir = await mkdtemp(join(opts.parentDir, `pipeline-${opts.name}-`));
  await chmod(dir, 0o700);
  const configFile = join(dir, 'config.yaml');
  await writeFile(configFile, stored.config, { mode: 0o600 });
  await mkdir(join(dir, 'jobs'), { mode: 0o700 });
  for (const [job, text] of Object.entries(stored.jobs)) {
    await writeFile(jobFile(dir, job), text, { mode: 0o600 });
  }
  return {
    name: opts.name,
    revision: stored.revision,
    config,
    source,
    slotName: replicationSlotName(source.name),
    dir,
    configFile,
    secrets,
    httpPort,
  };
}

/**
 * `<dir>/jobs/<job>.yaml`, refusing a name that is not a plain job name or whose file would
 * land outside `jobs/`. The api checks names too, but the RDI database may hold jobs written
 * by an older api or by hand: a name such as `../../x` must not escape the work folder.
 */
export function jobFile(dir: string, job: string): string {
  const jobs = join(dir, 'jobs');
  const file = join(jobs, `${job}.yaml`);
  const inside = relative(jobs, file);
  if (!isJobName(job) || inside.startsWith('..') || inside.includes(sep)) {
    throw new SluiceError(
      'JOB_INVALID',
      `The stored job name ${JSON.stringify(job)} is not allowed.`,
      {
        path: `jobs.${JSON.stringify(job)}`,
        hint: 'job names use letters, digits, _, - and single dots; redeploy the pipeline with a valid name',
      },
    );
  }
  return file;
}

/** Removes the working folder of a pipeline that no longer runs. */
export async function removeWorkspace(pipeline: PreparedPipeline): Promise<void> {
  await rm(pipeline.dir, { recursive: true, force: true });
}

/** The one active CDC source Debezium captures from (one collector per pipeline). */
function captureSource(config: PipelineConfig): CaptureSource {
  const active = Object.entries(config.sources).filter(
    (entry): entry is [string, SourceConfig & { connection: SourceConnectionConfig }] =>
      entry[1].type === 'cdc' && entry[1].active && entry[1].connection !== undefined,
  );
  const [first, ...others] = active;
  if (first === undefined) {
    throw new SluiceError('CONFIG_INVALID', 'The pipeline has no active CDC source to capture.', {
      path: 'sources',
    });
  }
  if (others.length > 0) {
    throw new SluiceError(
      'CONFIG_UNSUPPORTED',
      'The operator runs one collector per pipeline: keep one active CDC source.',
      { path: `sources.${others[0]?.[0] ?? ''}` },
    );
  }
  return { name: first[0], connection: first[1].connection };
}
