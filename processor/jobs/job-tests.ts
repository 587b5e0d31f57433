// Job tests: runs the test cases of every job of a pipeline folder (a `tests:` list in the job
// file, or in a sibling `<job>.test.yaml`) through dryRun, with the folder's processor
// settings, and reports, per test, where the transformed records, the Redis commands or the
// rejections differ from the expected ones.

import { isDeepStrictEqual } from 'node:util';
import type { DeepReadonly } from '../../pipeline/deep-freeze.ts';
import type { Environment } from '../../pipeline/env-references.ts';
import type { TestCase } from '../../pipeline/job-schema.ts';
import { loadJobFolder } from '../../pipeline/load-jobs.ts';
import { loadProcessorsSection, pipelineConfigOf } from '../../pipeline/load-processors.ts';
import type { ChangeEvent, Row } from '../core/change-event.ts';
import type { TypeRendering } from '../core/type-rendering.ts';
import type { CompiledJob, CompileOptions } from './compile-job.ts';
import { compileJob, DEFAULT_OUTPUT } from './compile-job.ts';
import type { OutputDefaults } from './compile-output.ts';
import { dryRun } from '../core/jobs/dry-run.ts';
import type { LookupPort } from '../core/jobs/step.ts';

export interface JobTestResult {
  readonly job: string;
  readonly file: string;
  readonly test: string;
  readonly passed: boolean;
  /** One line per difference: where, what was expected, what came out. */
  readonly diffs: readonly string[];
}

export interface JobTestReport {
  readonly passed: number;
  readonly failed: number;
  readonly results: readonly JobTestResult[];
}

export interface JobTestOptions extends CompileOptions {
  readonly env?: Environment;
  /** "Now" for time functions, ms since the epoch (default 0: tests are repeatable). */
  readonly now?: number;
  /** processors.type_rendering; default: the pipeline's config.yaml, else `sluice`. */
  readonly typeRendering?: TypeRendering;
}

/**
 * Loads, compiles and tests every job of `dir` (a pipeline folder or its jobs folder) as the
 * processor runs them: with the output defaults and the type rendering of the `processors`
 * section of the folder's config.yaml when it has one (options given here take precedence).
 */
export async function runJobTests(
  dir: string,
  options: JobTestOptions = {},
): Promise<JobTestReport> {
  const env = options.env ?? {};
  const settings = await folderSettings(dir, env);
  const compile: CompileOptions = {
    ...options,
    defaults: options.defaults ?? settings.defaults,
  };
  const rendering = options.typeRendering ?? settings.typeRendering;
  const definitions = await loadJobFolder(dir, env);
  const results: JobTestResult[] = [];
  for (const definition of definitions) {
    const job = compileJob(definition, compile);
    for (const test of job.tests) {
      results.push(await runJobTest(job, test, options.now ?? 0, rendering));
    }
  }
  const passed = results.filter((r) => r.passed).length;
  return { passed, failed: results.length - passed, results };
}

/** Output defaults and type rendering of the pipeline folder's config.yaml, if it has one. */
async function folderSettings(
  dir: string,
  env: Environment,
): Promise<{ defaults: OutputDefaults; typeRendering: TypeRendering }> {
  const file = await pipelineConfigOf(dir);
  if (file === undefined) return { defaults: DEFAULT_OUTPUT, typeRendering: 'sluice' };
  const processors = await loadProcessorsSection(file, env);
  return {
    defaults: {
      dataType: processors.target_data_type,
      jsonUpdate: processors.json_update_strategy,
    },
    typeRendering: processors.type_rendering,
  };
}

export async function runJobTest(
  job: CompiledJob,
  test: DeepReadonly<TestCase>,
  now: number,
  typeRendering: TypeRendering = 'sluice',
): Promise<JobTestResult> {
  const events = test.input.map((input) => toEvent(job, input));
  const result = await dryRun(job, events, { now, lookup: fixtureLookup(test), typeRendering });
  const diffs: string[] = [];
  const { expect } = test;
  if (expect.records !== undefined)
    diffs.push(...differences('records', expect.records, result.records));
  if (expect.commands !== undefined)
    diffs.push(...differences('commands', expect.commands, result.commands));
  const rejected = result.details.flatMap((d) => (d.error === undefined ? [] : [d.error.code]));
  const expectedRejects = expect.rejected ?? [];
  if (!isDeepStrictEqual(rejected, expectedRejects)) {
    const reasons = result.details.flatMap((d) => (d.error === undefined ? [] : [d.error.message]));
    diffs.push(
      `rejected: expected ${show(expectedRejects)}, got ${show(rejected)} ${show(reasons)}`,
    );
  }
  return { job: job.name, file: job.file, test: test.name, passed: diffs.length === 0, diffs };
}

type TestInput = DeepReadonly<TestCase>['input'][number];

function toEvent(job: CompiledJob, input: TestInput): ChangeEvent {
  const { source } = job;
  const table = input.table ?? (source.table === '*' ? 'test' : source.table);
  const schema = input.schema ?? source.schema ?? 'public';
  const asRow = (row: unknown): Row | null =>
    row === undefined || row === null ? null : (row as Row);
  return {
    op: input.op,
    key: input.key as Row,
    before: asRow(input.before),
    after: asRow(input.after),
    db: input.db ?? source.db ?? schema,
    schema,
    table,
    snapshot: 'false',
    sourceTsMs: 0,
  };
}

function fixtureLookup(test: DeepReadonly<TestCase>): LookupPort {
  return (connection, command) => {
    const found = (test.lookups ?? []).find(
      (l) =>
        (l.connection === undefined || l.connection === connection) &&
        l.command.length === command.length &&
        l.command.every((part, i) =>
          i === 0 ? part.toUpperCase() === command[0] : part === command[i],
        ),
    );
    if (found === undefined) {
      return Promise.reject(
        new Error(`the test gives no reply for ${command.join(' ')} (add it to lookups)`),
      );
    }
    return Promise.resolve(found.reply);
  };
}

/** Where `actual` differs from `expected`, as readable lines (at most 10). */
export function differences(path: string, expected: unknown, actual: unknown): string[] {
  const out: string[] = [];
  const walk = (at: string, e: unknown, a: unknown): void => {
    if (out.length >= 10 || isDeepStrictEqual(e, a)) return;
    if (Array.isArray(e) && Array.isArray(a)) {
      for (let i = 0; i < Math.max(e.length, a.length); i++) walk(`${at}[${i}]`, e[i], a[i]);
      return;
    }
    if (isObject(e) && isObject(a)) {
      for (const key of new Set([...Object.keys(e), ...Object.keys(a)]))
        walk(`${at}.${key}`, e[key], a[key]);
      return;
    }
    out.push(`${at}: expected ${show(e)}, got ${show(a)}`);
  };
  walk(path, expected, actual);
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
