// Pipelines in the RDI database: config.yaml text and job texts, with a revision that
// increases on every change (optimistic concurrency for PATCH). Multi-key changes are Lua
// scripts; reads are plain commands.

import type { Redis } from 'ioredis';
import { SluiceError } from '../../common/errors.ts';
import {
  PIPELINES_KEY,
  pipelineControlKey,
  pipelineJobsKey,
  pipelineKey,
  pipelineStatusKey,
} from '../../pipeline/redis-keys.ts';
import { LuaScript } from '../../processor/script-runner.ts';

const saveScript = LuaScript.fromFile(new URL('./save-pipeline.lua', import.meta.url));
const deleteScript = LuaScript.fromFile(new URL('./delete-pipeline.lua', import.meta.url));

export interface PipelineDefinition {
  /** config.yaml text. */
  readonly config: string;
  /** Job name (file name without .yaml) → job YAML text. */
  readonly jobs: Readonly<Record<string, string>>;
}

export interface StoredPipeline extends PipelineDefinition {
  readonly name: string;
  readonly revision: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export async function listPipelineNames(rdi: Redis): Promise<string[]> {
  return (await rdi.smembers(PIPELINES_KEY)).sort();
}

export async function readPipeline(rdi: Redis, name: string): Promise<StoredPipeline> {
  const [fields, jobs] = await Promise.all([
    rdi.hgetall(pipelineKey(name)),
    rdi.hgetall(pipelineJobsKey(name)),
  ]);
  const config = fields.config;
  if (config === undefined) {
    throw new SluiceError('PIPELINE_NOT_FOUND', `There is no pipeline named '${name}'.`, {
      hint: 'list pipelines with GET /api/v2/pipelines',
    });
  }
  return {
    name,
    config,
    jobs,
    revision: Number(fields.revision ?? 0),
    createdAt: Number(fields.created_at ?? 0),
    updatedAt: Number(fields.updated_at ?? 0),
  };
}

export interface SaveOptions {
  readonly mode: 'create' | 'replace' | 'upsert';
  readonly now: number;
  readonly expectedRevision?: number;
}

/** Stores the pipeline and returns its new revision. */
export async function savePipeline(
  rdi: Redis,
  name: string,
  definition: PipelineDefinition,
  options: SaveOptions,
): Promise<number> {
  const jobArgs = Object.entries(definition.jobs).flat();
  try {
    const revision = await saveScript.run(
      rdi,
      [PIPELINES_KEY, pipelineKey(name), pipelineJobsKey(name)],
      [
        options.mode,
        name,
        options.now,
        options.expectedRevision === undefined ? '' : options.expectedRevision,
        definition.config,
        ...jobArgs,
      ],
    );
    return Number(revision);
  } catch (error) {
    throw storeError(error, name);
  }
}

/** Deletes the pipeline; throws PIPELINE_NOT_FOUND when there was none. */
export async function deletePipeline(rdi: Redis, name: string): Promise<void> {
  const keys = [
    PIPELINES_KEY,
    pipelineKey(name),
    pipelineJobsKey(name),
    pipelineControlKey(name),
    pipelineStatusKey(name),
  ];
  const existed = await deleteScript.run(rdi, keys, [name]);
  if (Number(existed) === 0) {
    throw new SluiceError('PIPELINE_NOT_FOUND', `There is no pipeline named '${name}'.`);
  }
}

/** The one place that maps the save script's error replies. */
function storeError(error: unknown, name: string): unknown {
  if (!(error instanceof Error)) return error;
  const [reply, detail] = error.message.split(' ');
  switch (reply) {
    case 'EXISTS':
      return new SluiceError('PIPELINE_EXISTS', `A pipeline named '${name}' already exists.`, {
        hint: `replace it with PUT /api/v2/pipelines/${name}`,
      });
    case 'NOT_FOUND':
      return new SluiceError('PIPELINE_NOT_FOUND', `There is no pipeline named '${name}'.`);
    case 'CONFLICT':
      return new SluiceError(
        'PIPELINE_CONFLICT',
        `The pipeline '${name}' changed meanwhile (now at revision ${detail ?? '?'}).`,
        { hint: 'read it again and retry' },
      );
    default:
      return error;
  }
}
