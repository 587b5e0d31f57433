// The `processors` section of a pipeline's config.yaml on its own, for tools that need only the
// processor settings (job tests, a local dry-run): sources and targets — and the secrets they
// reference — are neither resolved nor checked, so these tools run without the secrets. The
// section is checked by the same schema as in loadPipelineConfig, with the same located errors.

import { access } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { TransformDecodeError, Value } from '@sinclair/typebox/value';
import { SluiceError } from '../common/errors.ts';
import { dottedPath, missingSecretProblems, type ConfigProblem } from './config-problem.ts';
import { ProcessorsSchema } from './config-schema.ts';
import { deepFreeze } from './deep-freeze.ts';
import { resolveEnvReferences, type Environment } from './env-references.ts';
import { readConfigText, type ProcessorsConfig } from './load-config.ts';
import { pointerToPath, schemaProblems } from './schema-problems.ts';
import { parseYamlDocument, type YamlPath } from './yaml-document.ts';

const SECTION = 'processors';

/** The `processors` settings of config.yaml text, defaults filled; throws the first problem. */
export function parseProcessorsSection(
  text: string,
  file: string,
  env: Environment,
): ProcessorsConfig {
  const doc = parseYamlDocument(text, file);
  const root = doc.value;
  const raw = isRecord(root) ? root[SECTION] : undefined;
  // `processors:` with no body is a section of defaults, as in loadPipelineConfig.
  const resolved = resolveEnvReferences(raw ?? {}, env);
  const at = (path: YamlPath): YamlPath => [SECTION, ...path];
  const problems: ConfigProblem[] = missingSecretProblems(resolved.missing, [SECTION]);
  const candidate = Value.Default(ProcessorsSchema, resolved.value);
  for (const problem of schemaProblems(ProcessorsSchema, candidate)) {
    problems.push({ ...problem, path: at(problem.path) });
  }
  let decoded: unknown;
  if (problems.length === 0) {
    try {
      decoded = Value.Decode(ProcessorsSchema, candidate);
    } catch (error) {
      if (!(error instanceof TransformDecodeError)) throw error;
      problems.push({
        code: 'CONFIG_INVALID',
        path: at(pointerToPath(error.path)),
        part: 'value',
        message: error.error.message,
      });
    }
  }
  const located = problems
    .map((problem) => ({ problem, location: doc.locate(problem.path, problem.part) }))
    .sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
  const [first] = located;
  if (first !== undefined) {
    const { problem, location } = first;
    throw new SluiceError(problem.code, problem.message, {
      path: dottedPath(problem.path),
      location,
      ...(problem.hint === undefined ? {} : { hint: problem.hint }),
    });
  }
  return deepFreeze(decoded) as ProcessorsConfig;
}

/** Reads `file` and returns its `processors` settings (see parseProcessorsSection). */
export async function loadProcessorsSection(
  file: string,
  env: Environment,
): Promise<ProcessorsConfig> {
  return parseProcessorsSection(await readConfigText(file), file, env);
}

/**
 * The config.yaml of the pipeline folder `dir` belongs to: `dir/config.yaml`, or, when `dir`
 * is the folder's `jobs` folder, the one beside it; undefined when there is none.
 */
export async function pipelineConfigOf(dir: string): Promise<string | undefined> {
  const candidates = [join(dir, 'config.yaml')];
  if (basename(dir) === 'jobs') candidates.push(join(dirname(dir), 'config.yaml'));
  for (const file of candidates) {
    try {
      await access(file);
      return file;
    } catch {
      // Not here: try the next place.
    }
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
