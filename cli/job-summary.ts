// A one-line view of a deployed job for `list-jobs` and `describe-job`: the table it reads,
// its transform steps and its outputs, read leniently from the stored YAML (the API has
// already validated it).

import { parse } from 'yaml';

export interface JobSummary {
  readonly name: string;
  /** `[server.][db.][schema.]table`, `*` for the default job. */
  readonly table: string;
  readonly transforms: string[];
  /** `<data_type>` or `<data_type>@<connection>` per output. */
  readonly outputs: string[];
  readonly tests: number;
}

export function jobSummary(name: string, text: string): JobSummary {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    doc = undefined;
  }
  const job = record(doc);
  const source = record(job.source);
  const table = ['server_name', 'db', 'schema', 'table']
    .map((key) => source[key])
    .filter((part): part is string => typeof part === 'string')
    .join('.');
  const blocks = (value: unknown): Record<string, unknown>[] =>
    Array.isArray(value) ? value.map(record) : [];
  const outputs = blocks(job.output).map((block) => {
    const options = record(block.with);
    const type = typeof options.data_type === 'string' ? options.data_type : 'default';
    const connection = options.connection;
    return typeof connection === 'string' && connection !== 'target'
      ? `${type}@${connection}`
      : type;
  });
  return {
    name,
    table: table || '?',
    transforms: blocks(job.transform).map((b) => (typeof b.uses === 'string' ? b.uses : '?')),
    outputs: outputs.length === 0 ? ['default'] : outputs,
    tests: Array.isArray(job.tests) ? job.tests.length : 0,
  };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
