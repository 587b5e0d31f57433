// Loads a pipeline's config.yaml: hardened YAML → `${NAME}` resolution → schema check with RDI's
// defaults → semantic rules → a deep-frozen, typed config. Every problem names file:line:column
// and the dotted key path, and no message ever quotes a value (values may be secrets).

import { open } from 'node:fs/promises';
import { TransformDecodeError, Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { SluiceError, isSluiceError, type SourceLocation } from '../common/errors.ts';
import {
  dottedPath,
  firstProblems,
  missingSecretProblems,
  OmittedProblems,
  type ConfigProblem,
} from './config-problem.ts';
import { configRuleProblems } from './config-rules.ts';
import { PipelineConfigSchema, type PipelineConfigData } from './config-schema.ts';
import { deepFreeze, type DeepReadonly } from './deep-freeze.ts';
import { resolveEnvReferences, type Environment } from './env-references.ts';
import { pointerToPath, schemaProblems } from './schema-problems.ts';
import { parseYamlDocument, YAML_LIMITS, type YamlDocument } from './yaml-document.ts';

export type { Environment } from './env-references.ts';
export type PipelineConfig = DeepReadonly<PipelineConfigData>;
export type SourceConfig = PipelineConfig['sources'][string];
export type SourceConnectionConfig = NonNullable<SourceConfig['connection']>;
export type TableConfig = NonNullable<NonNullable<SourceConfig['tables']>[string]>;
export type TargetConfig = PipelineConfig['targets'][string];
export type ProcessorsConfig = PipelineConfig['processors'];

export type PipelineConfigCheck =
  | { readonly ok: true; readonly config: PipelineConfig }
  | { readonly ok: false; readonly errors: readonly SluiceError[] };

/**
 * Validates config.yaml text and returns either the config or every problem found, sorted by
 * position in the file. YAML syntax and limit errors stop at the first one.
 */
export function checkPipelineConfig(
  text: string,
  file: string,
  env: Environment,
): PipelineConfigCheck {
  const result = evaluate(text, file, env);
  if ('config' in result) return { ok: true, config: result.config };
  if ('fatal' in result) return { ok: false, errors: [result.fatal] };
  return { ok: false, errors: reportedErrors(result.problems, file) };
}

/** Errors for the first problems in file order, and one more counting those left out. */
function reportedErrors(problems: readonly LocatedProblem[], file: string): SluiceError[] {
  const { shown, omitted } = firstProblems(problems);
  const errors = shown.map((located) => toError(located));
  const last = shown.at(-1);
  if (omitted > 0 && last !== undefined) {
    errors.push(new OmittedProblems(last.problem.code, omitted, file, last.location));
  }
  return errors;
}

/**
 * The validated, deep-frozen config of `text` (named `file` in messages), with `${NAME}` taken
 * from `env`. Throws the first problem in file order; when there are several, its `cause` is an
 * AggregateError holding all of them (use checkPipelineConfig to list them without throwing).
 */
export function parsePipelineConfig(text: string, file: string, env: Environment): PipelineConfig {
  const result = evaluate(text, file, env);
  if ('config' in result) return result.config;
  if ('fatal' in result) throw result.fatal;
  const [first, ...rest] = result.problems;
  if (first === undefined) throw new Error('config check failed without a problem');
  if (rest.length === 0) throw toError(first);
  const all = reportedErrors(result.problems, file);
  throw toError(first, new AggregateError(all, `${result.problems.length} problems in ${file}`));
}

interface LocatedProblem {
  readonly problem: ConfigProblem;
  readonly location: SourceLocation;
}

type Evaluation =
  | { readonly config: PipelineConfig }
  | { readonly fatal: SluiceError }
  | { readonly problems: readonly LocatedProblem[] };

function evaluate(text: string, file: string, env: Environment): Evaluation {
  let doc: YamlDocument;
  try {
    doc = parseYamlDocument(text, file);
  } catch (error) {
    if (isSluiceError(error)) return { fatal: error };
    throw error;
  }
  const resolved = resolveEnvReferences(doc.value, env);
  const problems: ConfigProblem[] = missingSecretProblems(resolved.missing);
  const candidate = Value.Default(
    PipelineConfigSchema,
    withoutEmptySections(PipelineConfigSchema, resolved.value),
  );
  problems.push(...schemaProblems(PipelineConfigSchema, candidate));
  if (problems.length === 0) {
    const decoded = decode(candidate);
    if ('problem' in decoded) problems.push(decoded.problem);
    else {
      const ruleProblems = configRuleProblems(decoded.config);
      if (ruleProblems.length === 0) return { config: deepFreeze(decoded.config) };
      problems.push(...ruleProblems);
    }
  }
  const located = problems.map((problem) => ({
    problem,
    location: doc.locate(problem.path, problem.part),
  }));
  located.sort(
    (a, b) => a.location.line - b.location.line || a.location.column - b.location.column,
  );
  return { problems: located };
}

/** Reads and validates the config.yaml at `file`; see parsePipelineConfig. */
export async function loadPipelineConfig(file: string, env: Environment): Promise<PipelineConfig> {
  return parsePipelineConfig(await readConfigText(file), file, env);
}

/** The text of a config file, refusing one over the YAML size limit before reading it. */
export async function readConfigText(file: string): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new SluiceError('FILE_NOT_FOUND', `cannot read ${file}`, { cause: error });
  }
  try {
    // Refuse a huge file before reading it into memory.
    const { size } = await handle.stat();
    if (size > YAML_LIMITS.maxBytes) {
      throw new SluiceError('CONFIG_YAML_LIMIT', `the file is ${size} bytes; the limit is 1 MiB`, {
        location: { file, line: 1, column: 1 },
      });
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

function decode(value: unknown): { config: PipelineConfigData } | { problem: ConfigProblem } {
  try {
    return { config: Value.Decode(PipelineConfigSchema, value) };
  } catch (error) {
    if (!(error instanceof TransformDecodeError)) throw error;
    return {
      problem: {
        code: 'CONFIG_INVALID',
        path: pointerToPath(error.path),
        part: 'value',
        message: error.error.message,
      },
    };
  }
}

/**
 * RDI accepts a section written with no body (`processors:`) as an empty one: drop null values
 * of mapping-typed keys, so that the section's defaults apply. Entries of a record (a source
 * named with no body) stay null and fail validation.
 */
function withoutEmptySections(schema: TSchema, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const { properties, patternProperties } = schema as {
    properties?: Record<string, TSchema>;
    patternProperties?: Record<string, TSchema>;
  };
  const entrySchema =
    patternProperties === undefined ? undefined : Object.values(patternProperties)[0];
  const entries = Object.entries(value).flatMap(([key, child]): [string, unknown][] => {
    const propertySchema = properties?.[key];
    if (child === null && (propertySchema as { type?: unknown } | undefined)?.type === 'object') {
      return [];
    }
    const childSchema = propertySchema ?? entrySchema;
    return [[key, childSchema === undefined ? child : withoutEmptySections(childSchema, child)]];
  });
  return Object.fromEntries(entries);
}

function toError({ problem, location }: LocatedProblem, cause?: AggregateError): SluiceError {
  return new SluiceError(problem.code, problem.message, {
    ...(problem.path.length === 0 ? {} : { path: dottedPath(problem.path) }),
    location,
    ...(problem.hint === undefined ? {} : { hint: problem.hint }),
    ...(cause === undefined ? {} : { cause }),
  });
}
