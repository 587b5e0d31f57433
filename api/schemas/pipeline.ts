// Request and response shapes of the pipeline resources: a pipeline is its config.yaml text
// and its jobs (file name → YAML text), exactly the RDI pipeline folder.

import { Type, type Static } from '@sinclair/typebox';
import { JobName, PipelineName } from './common.ts';
import { Problem } from './error-body.ts';

const MAX_TEXT = 1024 * 1024;

const ConfigText = Type.String({
  minLength: 1,
  maxLength: MAX_TEXT,
  description: 'config.yaml text.',
});
// A Record's key pattern only selects which properties its value schema checks: without
// `additionalProperties: false`, a key such as `../../x` would pass unchecked.
const Jobs = Type.Record(JobName, Type.String({ maxLength: MAX_TEXT }), {
  description: 'Jobs by name (file name without .yaml) → job YAML text.',
  maxProperties: 1000,
  additionalProperties: false,
});

export const PipelineBody = Type.Object(
  { config: ConfigText, jobs: Type.Optional(Jobs) },
  { additionalProperties: false },
);
export type PipelineBody = Static<typeof PipelineBody>;

export const CreatePipelineBody = Type.Object(
  { name: PipelineName, config: ConfigText, jobs: Type.Optional(Jobs) },
  { additionalProperties: false },
);
export type CreatePipelineBody = Static<typeof CreatePipelineBody>;

export const PatchPipelineBody = Type.Object(
  {
    config: Type.Optional(ConfigText),
    jobs: Type.Optional(
      Type.Record(JobName, Type.Union([Type.String({ maxLength: MAX_TEXT }), Type.Null()]), {
        description: 'Jobs to add or replace; `null` deletes a job. Others stay.',
        maxProperties: 1000,
        additionalProperties: false,
      }),
    ),
    revision: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'Fail with 409 unless the stored revision is this one.',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchPipelineBody = Static<typeof PatchPipelineBody>;

export const DryRunQuery = Type.Object(
  {
    dry_run: Type.Optional(
      Type.Boolean({
        description: 'Validate config, jobs and connections without storing anything.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const Pipeline = Type.Object({
  name: Type.String(),
  config: Type.String(),
  jobs: Type.Record(Type.String(), Type.String()),
  revision: Type.Integer(),
  created_at: Type.Integer({ description: 'Milliseconds since the epoch.' }),
  updated_at: Type.Integer(),
  desired_state: Type.Union([Type.Literal('started'), Type.Literal('stopped')]),
});
export type Pipeline = Static<typeof Pipeline>;

const Warnings = Type.Array(Problem, {
  description:
    'Config keys accepted without effect in Sluice (code CONFIG_NO_EFFECT), each with its file, line, column and the reason. The pipeline is valid; nothing is refused.',
});

/** The answer to a create, replace or change: the stored pipeline and the deploy warnings. */
export const DeployedPipeline = Type.Object({ ...Pipeline.properties, warnings: Warnings });

export const PipelineSummary = Type.Object({
  name: Type.String(),
  revision: Type.Integer(),
  updated_at: Type.Integer(),
  jobs: Type.Array(Type.String()),
  desired_state: Type.Union([Type.Literal('started'), Type.Literal('stopped')]),
});

export const PipelineList = Type.Object({ pipelines: Type.Array(PipelineSummary) });

export const DryRunResult = Type.Object({
  valid: Type.Literal(true),
  dry_run: Type.Literal(true),
  connections_tested: Type.Array(Type.String(), {
    description:
      'Paths of the connections tried. A connection whose host holds a stored secret is tried only when the stored pipeline already has it.',
  }),
  warnings: Warnings,
});

export const ControlResult = Type.Object({
  name: Type.String(),
  desired_state: Type.Union([Type.Literal('started'), Type.Literal('stopped')]),
  reset_generation: Type.Integer(),
  updated_at: Type.Optional(Type.Integer()),
});
export type ControlResultBody = Static<typeof ControlResult>;

export const ResetBody = Type.Object(
  {
    drop_target_keys: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          "Also delete the target keys of the pipeline's tables before the new snapshot (keys no source row backs any more go too).",
      }),
    ),
  },
  { additionalProperties: false },
);
