// Loads RDI job files: hardened YAML → `${NAME}` resolution → schema check of the file, then of
// each block against the variant its `uses` names → job rules → a frozen, typed job. Every
// problem names file:line:column and the key; a folder load enforces one job per table.

import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { TransformDecodeError, Value } from '@sinclair/typebox/value';
import { SluiceError, type SourceLocation } from '../common/errors.ts';
import {
  dottedPath,
  firstProblems,
  missingSecretProblems,
  OmittedProblems,
  type ConfigProblem,
} from './config-problem.ts';
import { deepFreeze, type DeepReadonly } from './deep-freeze.ts';
import { resolveEnvReferences, type Environment } from './env-references.ts';
import { jobConnectionProblems } from './job-connections.ts';
import { jobRuleProblems } from './job-rules.ts';
import {
  BlockShape,
  jobFileSchema,
  JobFileSchema,
  OUTPUT_BLOCKS,
  TestCasesSchema,
  TRANSFORM_BLOCKS,
  type JobFileData,
  type TestCase,
} from './job-schema.ts';
import { pointerToPath, schemaProblems } from './schema-problems.ts';
import { parseYamlDocument, YAML_LIMITS, type YamlPath } from './yaml-document.ts';

export type JobFile = DeepReadonly<JobFileData>;

export interface JobDefinition {
  /** `name:` of the file, else the file name without extension. */
  readonly name: string;
  readonly file: string;
  readonly job: JobFile;
  /** Test cases of the file and of its sibling `<name>.test.yaml`. */
  readonly tests: readonly DeepReadonly<TestCase>[];
  /** Where a key of the file is written (compile errors of expressions point here). */
  readonly locate: (path: YamlPath, part?: 'key' | 'value') => SourceLocation;
}

const ShallowSchema = jobFileSchema({
  transform: BlockShape(Object.keys(TRANSFORM_BLOCKS)),
  output: BlockShape(Object.keys(OUTPUT_BLOCKS)),
});

export interface JobLoadOptions {
  /**
   * Names of config.yaml's targets: every `connection` of an output or a lookup must be one of
   * them. Without it (a job checked on its own, e.g. by `sluice test`) connections are not checked.
   */
  readonly targets?: readonly string[];
}

/** The validated job of `text` (named `file` in messages); throws the first problem in file order. */
export function parseJobFile(
  text: string,
  file: string,
  env: Environment,
  options: JobLoadOptions = {},
): JobDefinition {
  const doc = parseYamlDocument(text, file);
  const locate = (path: YamlPath, part?: 'key' | 'value') => doc.locate(path, part);
  const resolved = resolveEnvReferences(doc.value, env);
  const problems: ConfigProblem[] = missingSecretProblems(resolved.missing);
  const candidate = Value.Default(ShallowSchema, resolved.value);
  problems.push(...schemaProblems(ShallowSchema, candidate));
  if (problems.length === 0) problems.push(...blockProblems(candidate));
  let job: JobFileData | undefined;
  if (problems.length === 0) {
    const decoded = decode(candidate);
    if ('problem' in decoded) problems.push(decoded.problem);
    else {
      job = decoded.job;
      problems.push(...jobRuleProblems(job));
      if (options.targets !== undefined) {
        problems.push(...jobConnectionProblems(job, options.targets));
      }
    }
  }
  const sorted = sortProblems(problems, locate);
  const { shown, omitted } = firstProblems(sorted);
  const errors = shown.map((p) => toError(p.problem, p.location));
  const last = shown.at(-1);
  if (omitted > 0 && last !== undefined) {
    errors.push(new OmittedProblems(last.problem.code, omitted, file, last.location));
  }
  const [head] = errors;
  if (head !== undefined) {
    if (errors.length > 1) {
      // The first problem is thrown; its cause lists all of them.
      Object.defineProperty(head, 'cause', {
        value: new AggregateError(errors, `${sorted.length} problems in ${file}`),
      });
    }
    throw head;
  }
  if (job === undefined) throw new Error('job check failed without a problem');
  const name = job.name ?? basename(file).replace(/\.ya?ml$/, '');
  const frozen = deepFreeze(job);
  return Object.freeze({ name, file, job: frozen, tests: frozen.tests ?? [], locate });
}

/** Validates each transform/output block against the schema its `uses` names, filling defaults. */
function blockProblems(candidate: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const root = candidate as Record<string, unknown>;
  const sections = [
    ['transform', TRANSFORM_BLOCKS],
    ['output', OUTPUT_BLOCKS],
  ] as const;
  for (const [section, variants] of sections) {
    const blocks = root[section];
    if (!Array.isArray(blocks)) continue;
    blocks.forEach((block: { uses: string }, index) => {
      const schema: TSchema | undefined = (variants as Record<string, TSchema>)[block.uses];
      if (schema === undefined) return;
      const filled: unknown = Value.Default(schema, block);
      blocks[index] = filled;
      for (const problem of schemaProblems(schema, filled)) {
        problems.push({ ...problem, path: [section, index, ...problem.path] });
      }
    });
  }
  return problems;
}

function decode(value: unknown): { job: JobFileData } | { problem: ConfigProblem } {
  try {
    return { job: Value.Decode(JobFileSchema, value) };
  } catch (error) {
    if (!(error instanceof TransformDecodeError)) throw error;
    const path = pointerToPath(error.path);
    return {
      problem: { code: 'CONFIG_INVALID', path, part: 'value', message: error.error.message },
    };
  }
}

function sortProblems(
  problems: readonly ConfigProblem[],
  locate: (path: YamlPath, part?: 'key' | 'value') => SourceLocation,
): { problem: ConfigProblem; location: SourceLocation }[] {
  // Schema errors give list indexes as text; the YAML locator walks lists by number only
  // (and maps compare keys as text, so a number is safe there too).
  const located = problems.map((problem) => ({
    problem,
    location: locate(
      problem.path.map((s) => (typeof s === 'string' && /^\d+$/.test(s) ? Number(s) : s)),
      problem.part,
    ),
  }));
  return located.sort(
    (a, b) => a.location.line - b.location.line || a.location.column - b.location.column,
  );
}

function toError(problem: ConfigProblem, location: SourceLocation): SluiceError {
  return new SluiceError(problem.code, problem.message, {
    ...(problem.path.length === 0 ? {} : { path: dottedPath(problem.path) }),
    location,
    ...(problem.hint === undefined ? {} : { hint: problem.hint }),
  });
}

/** The `tests:` list of a sibling `<job>.test.yaml` file. */
export function parseJobTestFile(text: string, file: string): readonly DeepReadonly<TestCase>[] {
  const doc = parseYamlDocument(text, file);
  const locate = (path: YamlPath, part?: 'key' | 'value') => doc.locate(path, part);
  const value = doc.value as Record<string, unknown> | null;
  const tests: unknown = Value.Default(TestCasesSchema, value?.['tests'] ?? null);
  const problems = schemaProblems(TestCasesSchema, tests).map((problem) => ({
    ...problem,
    path: ['tests', ...problem.path],
  }));
  const extra = Object.keys(value ?? {}).filter((key) => key !== 'tests');
  for (const key of extra) {
    problems.push({
      code: 'CONFIG_UNKNOWN_KEY',
      path: [key],
      part: 'key',
      message: `unknown key '${key}'`,
      hint: 'a job test file holds only a tests: list',
    });
  }
  const [first] = sortProblems(problems, locate);
  if (first !== undefined) throw toError(first.problem, first.location);
  return deepFreeze(tests as TestCase[]);
}

/** True for a job test file name (`<job>.test.yaml`), which is not itself a job. */
export function isJobTestFile(name: string): boolean {
  return /\.test\.ya?ml$/.test(name);
}

/**
 * Every job of a pipeline folder (`<dir>/jobs/*.yaml`, or `<dir>/*.yaml` when it has no jobs
 * folder), with the tests of sibling `*.test.yaml` files attached. Rejects two jobs for one table.
 */
export async function loadJobFolder(
  dir: string,
  env: Environment,
  options: JobLoadOptions = {},
): Promise<JobDefinition[]> {
  const folder = await jobsFolder(dir);
  if (folder === undefined) return [];
  const names = (await readdir(folder)).filter((name) => /\.ya?ml$/.test(name)).sort();
  const jobs: JobDefinition[] = [];
  for (const name of names.filter((n) => !isJobTestFile(n))) {
    const file = join(folder, name);
    const job = parseJobFile(await readLimited(file), file, env, options);
    const testName = name.replace(/\.ya?ml$/, '.test.yaml');
    const testFile = join(folder, testName);
    const extra = names.includes(testName)
      ? parseJobTestFile(await readLimited(testFile), testFile)
      : [];
    jobs.push(extra.length === 0 ? job : { ...job, tests: [...job.tests, ...extra] });
  }
  const orphan = names.find(
    (n) => isJobTestFile(n) && !names.includes(n.replace(/\.test\.ya?ml$/, '.yaml')),
  );
  if (orphan !== undefined) {
    throw new SluiceError(
      'CONFIG_INVALID',
      `job test file ${orphan} has no job ${orphan.replace(/\.test\.ya?ml$/, '.yaml')}`,
      {
        location: { file: join(folder, orphan), line: 1, column: 1 },
      },
    );
  }
  checkOneJobPerTable(jobs);
  return jobs;
}

async function jobsFolder(dir: string): Promise<string | undefined> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    if (entries.some((e) => e.isDirectory() && e.name === 'jobs')) return join(dir, 'jobs');
    // A pipeline folder without a jobs folder has no jobs (its config.yaml is not one).
    return entries.some((e) => e.name === 'config.yaml') ? undefined : dir;
  } catch (error) {
    throw new SluiceError('FILE_NOT_FOUND', `cannot read the folder ${dir}`, { cause: error });
  }
}

async function readLimited(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new SluiceError('FILE_NOT_FOUND', `cannot read ${file}`, { cause: error });
  });
  if (Buffer.byteLength(text) > YAML_LIMITS.maxBytes) {
    throw new SluiceError('CONFIG_YAML_LIMIT', 'the file is larger than 1 MiB', {
      location: { file, line: 1, column: 1 },
    });
  }
  return text;
}

/** The identity of a job's source for the one-job-per-table rule. */
function sourceIdentity(job: JobFile): string {
  const { server_name, db, schema, table, case_insensitive } = job.source;
  const text = [server_name ?? '*', db ?? '*', schema ?? '*', table].join('\u0000');
  return case_insensitive ? text.toLowerCase() : text;
}

/** Throws when two jobs handle the same table, naming both files. */
export function checkOneJobPerTable(jobs: readonly JobDefinition[]): void {
  const seen = new Map<string, JobDefinition>();
  for (const job of jobs) {
    const identity = sourceIdentity(job.job);
    const earlier = seen.get(identity);
    if (earlier !== undefined) {
      const table =
        job.job.source.table === '*'
          ? 'the default job (table "*")'
          : `table '${job.job.source.table}'`;
      throw new SluiceError(
        'CONFIG_INVALID',
        `${table} has two jobs: ${earlier.file} and ${job.file}`,
        {
          path: 'source.table',
          location: job.locate(['source', 'table'], 'value'),
          hint: 'one job per table: merge the two files (a job may have several outputs)',
        },
      );
    }
    seen.set(identity, job);
  }
}
