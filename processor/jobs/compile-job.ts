// Compiles a loaded job file into a frozen CompiledJob: its source filter, its transform
// steps and its outputs, every expression compiled once. Compile errors name file:line:col.

import type { DeepReadonly } from '../../pipeline/deep-freeze.ts';
import type { TestCase } from '../../pipeline/job-schema.ts';
import type { JobDefinition, JobFile } from '../../pipeline/load-jobs.ts';
import type { ExpressionSite } from './compile-expression.ts';
import type { CompiledOutput, OutputDefaults } from './compile-output.ts';
import { compileOutput } from './compile-output.ts';
import type { EvaluationLimits } from '../core/jobs/expression.ts';
import { DEFAULT_LIMITS } from '../core/jobs/expression.ts';
import type { RowFormat } from '../core/jobs/job-record.ts';
import type { Step } from '../core/jobs/step.ts';
import { compileTransform } from './transform-steps.ts';

export interface CompiledJob {
  readonly name: string;
  readonly file: string;
  readonly source: JobFile['source'];
  readonly rowFormat: RowFormat;
  readonly steps: readonly Step[];
  readonly outputs: readonly CompiledOutput[];
  readonly tests: readonly DeepReadonly<TestCase>[];
  readonly limits: EvaluationLimits;
  /** The job reads the target while it plans (redis.lookup). */
  readonly readsTarget: boolean;
}

export interface CompileOptions {
  readonly defaults?: OutputDefaults;
  readonly limits?: EvaluationLimits;
}

export const DEFAULT_OUTPUT: OutputDefaults = { dataType: 'hash', jsonUpdate: 'replace' };

export function compileJob(definition: JobDefinition, options: CompileOptions = {}): CompiledJob {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const site: ExpressionSite = { job: definition, limits };
  const { job } = definition;
  const steps = (job.transform ?? []).map((block, i) =>
    compileTransform(site, block, ['transform', i]),
  );
  const defaults = options.defaults ?? DEFAULT_OUTPUT;
  const blocks = job.output ?? [];
  // A job without outputs writes like the default job: one output with RDI's defaults.
  const outputs =
    blocks.length === 0
      ? [
          compileOutput(
            site,
            { uses: 'redis.write', with: { connection: 'target' } },
            ['output'],
            defaults,
          ),
        ]
      : blocks.map((block, i) => compileOutput(site, block, ['output', i], defaults));
  return Object.freeze({
    name: definition.name,
    file: definition.file,
    source: job.source,
    rowFormat: job.source.row_format,
    steps,
    outputs,
    tests: definition.tests,
    limits,
    readsTarget: (job.transform ?? []).some((block) => block.uses === 'redis.lookup'),
  });
}
