// Small shapes shared by several routes: names in paths and simple replies.

import { Type } from '@sinclair/typebox';

const PIPELINE_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$';

export const PipelineName = Type.String({
  pattern: PIPELINE_NAME_PATTERN,
  description: 'Pipeline name (letters, digits, _ and -; RDI uses `default`).',
});

/** Whether `name` may name a pipeline (it becomes part of the operator's folder name). */
export function isPipelineName(name: string): boolean {
  return new RegExp(PIPELINE_NAME_PATTERN).test(name);
}

export const PipelineParams = Type.Object({ name: PipelineName }, { additionalProperties: false });

/**
 * A job name becomes a file name (`jobs/<name>.yaml`) in the operator's work folder: no
 * separators, control characters or `..` may pass, so a name can never leave that folder.
 */
export const JOB_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]*(?:\\.[A-Za-z0-9_-]+)*$';
const JOB_NAME_MAX = 128;

export const JobName = Type.String({
  pattern: JOB_NAME_PATTERN,
  maxLength: JOB_NAME_MAX,
  description:
    'Job name: the job file name without `.yaml` (letters, digits, _, - and single dots).',
});

/** Whether `name` may name a job (and so a file): the schema's rule, for code outside a route. */
export function isJobName(name: string): boolean {
  return name.length <= JOB_NAME_MAX && new RegExp(JOB_NAME_PATTERN).test(name);
}

export const SecretName = Type.String({
  pattern: '^[A-Za-z_][A-Za-z0-9_]{0,127}$',
  description: 'Secret name as referenced by `${NAME}` in config.yaml.',
});
