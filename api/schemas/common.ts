// Small shapes shared by several routes: names in paths and simple replies.

import { Type } from '@sinclair/typebox';

export const PipelineName = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$',
  description: 'Pipeline name (letters, digits, _ and -; RDI uses `default`).',
});

export const PipelineParams = Type.Object({ name: PipelineName }, { additionalProperties: false });

export const JobName = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$',
  description: 'Job name: the job file name without `.yaml`.',
});

export const SecretName = Type.String({
  pattern: '^[A-Za-z_][A-Za-z0-9_]{0,127}$',
  description: 'Secret name as referenced by `${NAME}` in config.yaml.',
});
