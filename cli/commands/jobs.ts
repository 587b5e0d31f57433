// Job commands: `test <dir>` runs the job tests of a pipeline folder locally with its
// processor settings (exit 5 when one fails), `dry-run --job --input` asks the API what a job
// makes of input records (in the job's pipeline's type rendering), and
// `list-jobs` / `describe-job <name>` show the deployed jobs.

import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import type {
  ApiJobDryRunBody,
  ApiJobDryRunResult,
  ApiPipeline,
  ApiRecordResult,
} from '../../api/schemas/api-types.ts';
import { parse } from 'yaml';
import { SluiceError } from '../../common/errors.ts';
import type { Environment } from '../../pipeline/env-references.ts';
import { loadProcessorsSection, pipelineConfigOf } from '../../pipeline/load-processors.ts';
import { runJobTests } from '../../processor/jobs/job-tests.ts';
import { TYPE_RENDERINGS, type TypeRendering } from '../../processor/core/type-rendering.ts';
import { renderTable } from '../output.ts';
import { pipelinePath, type Runtime } from '../runtime.ts';
import { jobSummary, type JobSummary } from '../job-summary.ts';

export function registerJobCommands(program: Command, rt: Runtime): void {
  program
    .command('test <dir>')
    .description('run the job tests of a pipeline folder (tests: in jobs or *.test.yaml)')
    .action(async (dir: string, _options: unknown, command: Command) => {
      const report = await runJobTests(dir, { env: rt.io.env });
      rt.print(command, report, () =>
        report.results
          .map((r) =>
            [
              `${r.passed ? 'PASS' : 'FAIL'}  ${r.job}: ${r.test}`,
              ...r.diffs.map((diff) => `      ${diff}`),
            ].join('\n'),
          )
          .concat(`${report.passed} passed, ${report.failed} failed\n`)
          .join('\n'),
      );
      if (report.failed > 0) {
        throw new SluiceError(
          'JOB_INVALID',
          `${report.failed} of ${report.results.length} job tests failed.`,
        );
      }
    });

  program
    .command('dry-run')
    .description('show the records and Redis commands a job makes of input records')
    .requiredOption('--job <file>', 'job file (YAML)')
    .requiredOption(
      '--input <file>',
      'input records (JSON or YAML): flat rows with an optional `opcode`, or change events',
    )
    .option('--key-columns <columns>', 'comma-separated key columns of flat rows')
    .option(
      '--type-rendering <mode>',
      "sluice or rdi (default: processors.type_rendering of the job's pipeline folder, else sluice)",
    )
    .action(async (options: DryRunOptions, command: Command) => {
      const job = await readText(options.job);
      const input: unknown = parse(await readText(options.input));
      const typeRendering = await dryRunRendering(options, rt.io.env);
      const client = await rt.client(command);
      const result = await client.request<ApiJobDryRunResult>(
        'POST',
        '/api/v2/pipelines/jobs/dry-run',
        {
          job,
          // The API checks the shape and names the bad field (body.input_data.…).
          input_data: input as ApiJobDryRunBody['input_data'],
          ...(options.keyColumns === undefined
            ? {}
            : { key_columns: options.keyColumns.split(',').map((c) => c.trim()) }),
          type_rendering: typeRendering,
        } satisfies ApiJobDryRunBody,
      );
      rt.print(command, result, () => result.details.map(detailText).join(''));
    });

  program
    .command('list-jobs')
    .description('list the jobs of the deployed pipeline')
    .action(async (_options: unknown, command: Command) => {
      const jobs = await deployedJobs(rt, command);
      const rows = Object.entries(jobs).map(([name, text]) => jobSummary(name, text));
      rt.print(command, rows, () =>
        rows.length === 0
          ? 'The pipeline has no jobs (every table uses the default job).\n'
          : renderTable(rows, [
              { header: 'NAME', value: (j) => j.name },
              { header: 'TABLE', value: (j) => j.table },
              { header: 'TRANSFORMS', value: (j) => j.transforms.join(', ') || undefined },
              { header: 'OUTPUTS', value: (j) => j.outputs.join(', ') },
            ]),
      );
    });

  program
    .command('describe-job <name>')
    .description('show one deployed job: what it reads, its steps and outputs, and its YAML')
    .action(async (name: string, _options: unknown, command: Command) => {
      const jobs = await deployedJobs(rt, command);
      const text = jobs[name];
      if (text === undefined) {
        throw new SluiceError('FILE_NOT_FOUND', `The pipeline has no job named '${name}'.`, {
          hint: `its jobs: ${Object.keys(jobs).join(', ') || 'none'} (sluice list-jobs)`,
        });
      }
      const summary = jobSummary(name, text);
      rt.print(command, { ...summary, yaml: text }, () => describeText(summary, text));
    });
}

interface DryRunOptions {
  readonly job: string;
  readonly input: string;
  readonly keyColumns?: string;
  readonly typeRendering?: string;
}

/**
 * The type rendering of a dry-run: the option, else the `processors` section of the config.yaml
 * of the pipeline folder the job file is in (`<folder>/jobs/<job>.yaml` or beside it).
 */
async function dryRunRendering(options: DryRunOptions, env: Environment): Promise<TypeRendering> {
  const chosen = options.typeRendering;
  if (chosen !== undefined) {
    const known = TYPE_RENDERINGS.find((mode) => mode === chosen);
    if (known === undefined) {
      throw new SluiceError(
        'REQUEST_INVALID',
        `--type-rendering must be one of: ${TYPE_RENDERINGS.join(', ')}.`,
      );
    }
    return known;
  }
  const config = await pipelineConfigOf(dirname(options.job));
  if (config === undefined) return 'sluice';
  return (await loadProcessorsSection(config, env)).type_rendering;
}

async function deployedJobs(rt: Runtime, command: Command): Promise<Record<string, string>> {
  const client = await rt.client(command);
  const pipeline = await client.request<ApiPipeline>('GET', pipelinePath(client));
  return pipeline.jobs;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new SluiceError('FILE_NOT_FOUND', `Cannot read ${file}.`, { cause: error });
  }
}

function detailText(detail: ApiRecordResult): string {
  const lines = [`#${detail.input}  ${detail.outcome}`];
  if (detail.error !== undefined) lines.push(`  ${detail.error.code}: ${detail.error.message}`);
  if (detail.record !== undefined) lines.push(`  record: ${JSON.stringify(detail.record)}`);
  for (const c of detail.commands) lines.push(`  > ${c.map(quoteArg).join(' ')}`);
  return lines.join('\n') + '\n';
}

/** A command argument as redis-cli would accept it. */
export function quoteArg(arg: string): string {
  return /^[\w:.$*@/-]+$/.test(arg) ? arg : JSON.stringify(arg);
}

function describeText(summary: JobSummary, text: string): string {
  return [
    `Name:        ${summary.name}`,
    `Table:       ${summary.table}`,
    `Transforms:  ${summary.transforms.join(', ') || '-'}`,
    `Outputs:     ${summary.outputs.join(', ')}`,
    `Tests:       ${summary.tests}`,
    '',
    text.trimEnd(),
    '',
  ].join('\n');
}
