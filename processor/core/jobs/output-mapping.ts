// The `mapping` of an output: which fields of the row are written and under which names
// (`field` or `field: alias`; for JSON an alias may be a dotted path into the document).

import type { DeepReadonly } from '../../../pipeline/deep-freeze.ts';
import type { RedisWriteOptions } from '../../../pipeline/job-schema.ts';
import type { FieldPath } from './field-path.ts';
import { getField, parseFieldPath, setField } from './field-path.ts';
import type { JobObject, JobValue } from './job-value.ts';
import type { MappedRow } from './output-ops.ts';

interface MappingEntry {
  readonly source: FieldPath;
  readonly sourceName: string;
  /** The hash field (or stream field) name: the alias with escaped dots unescaped. */
  readonly name: string;
  /** Where the value goes in a JSON document: dots nest, escaped dots (`a\.b`) do not. */
  readonly target: FieldPath;
}

export type Mapping = readonly MappingEntry[] | undefined;

export function compileMapping(mapping: DeepReadonly<RedisWriteOptions['mapping']>): Mapping {
  return mapping?.map((item) => {
    const [sourceName, name] =
      typeof item === 'string' ? [item, item] : (Object.entries(item)[0] ?? ['', '']);
    const target = parseFieldPath(name);
    return { source: parseFieldPath(sourceName), sourceName, name: target.join('.'), target };
  });
}

export function mapRow(
  mapping: Mapping,
  row: JobObject,
  unavailable: readonly string[],
): MappedRow {
  if (mapping === undefined) {
    const fields = Object.entries(row);
    const keep = unavailable.filter((name) => !Object.hasOwn(row, name));
    return { fields, document: row, keep };
  }
  const fields: [string, JobValue][] = [];
  const keep: string[] = [];
  let document: JobObject = {};
  for (const { source, sourceName, name, target } of mapping) {
    const value = getField(row, source);
    if (value === undefined) {
      if (unavailable.includes(sourceName)) keep.push(name);
      continue;
    }
    fields.push([name, value]);
    document = setField(document, target, value);
  }
  return { fields, document, keep };
}
