// Structural check of job files until the job engine's own schema lands: valid hardened YAML,
// a mapping with `source.table`, `transform`/`output` as lists, one job per table. Problems
// carry jobs/<name>.yaml:line:column and never quote a value. Pure.

import { isSluiceError, SluiceError } from '../../common/errors.ts';
import { dottedPath } from '../../pipeline/config-problem.ts';
import {
  parseYamlDocument,
  type YamlDocument,
  type YamlPath,
} from '../../pipeline/yaml-document.ts';

const KNOWN_KEYS = new Set(['name', 'source', 'transform', 'output']);

/** Every problem of the jobs, in job-name order. */
export function jobProblems(jobs: Readonly<Record<string, string>>): SluiceError[] {
  const problems: SluiceError[] = [];
  const tables = new Map<string, string>();
  for (const [name, text] of Object.entries(jobs).sort(([a], [b]) => a.localeCompare(b))) {
    const file = `jobs/${name}.yaml`;
    let doc: YamlDocument;
    try {
      doc = parseYamlDocument(text, file);
    } catch (error) {
      if (!isSluiceError(error)) throw error;
      problems.push(new SluiceError('JOB_INVALID', error.message, withLocation(error)));
      continue;
    }
    const problem = (path: YamlPath, message: string, part: 'key' | 'value' = 'value'): void => {
      problems.push(
        new SluiceError('JOB_INVALID', message, {
          ...(path.length === 0 ? {} : { path: dottedPath(path) }),
          location: doc.locate(path, part),
        }),
      );
    };
    const job = doc.value;
    if (!isRecord(job)) {
      problem([], 'a job must be a mapping with source, transform and output');
      continue;
    }
    for (const key of Object.keys(job)) {
      if (!KNOWN_KEYS.has(key)) problem([key], `unknown key '${key}'`, 'key');
    }
    const source = job.source;
    if (!isRecord(source)) {
      problem(['source'], 'source must be a mapping with at least `table`');
    } else if (typeof source.table !== 'string' || source.table.length === 0) {
      problem(['source', 'table'], 'source.table must be a table name or "*"');
    } else {
      const table = [source.server_name, source.schema, source.table].map((part) =>
        typeof part === 'string' ? part.toLowerCase() : '',
      );
      const id = table.join('.');
      const other = tables.get(id);
      if (other !== undefined)
        problem(['source', 'table'], `job '${other}' already handles this table`);
      else tables.set(id, name);
    }
    for (const list of ['transform', 'output'] as const) {
      if (job[list] !== undefined && job[list] !== null && !Array.isArray(job[list])) {
        problem([list], `${list} must be a list of {uses, with}`);
      }
    }
  }
  return problems;
}

function withLocation(error: SluiceError): { location?: NonNullable<SluiceError['location']> } {
  return error.location === undefined ? {} : { location: error.location };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
