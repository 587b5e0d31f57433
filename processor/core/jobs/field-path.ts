// Dotted field paths (`after.address.city`) on job records: read, write (creating objects on
// the way) and remove, without mutating the input: every change returns a new record.

import type { JobObject, JobValue } from './job-value.ts';
import { isJobObject } from './job-value.ts';

export type FieldPath = readonly string[];

/** `a.b` is the field b inside a; `a\.b` is the one field named `a.b` (a dot escaped). */
export function parseFieldPath(text: string): FieldPath {
  if (!text.includes('\\')) return text.split('.');
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] ?? '';
    const next = text[i + 1] ?? '';
    if (c === '\\' && (next === '.' || next === '\\')) {
      current += next;
      i += 1;
    } else if (c === '.') {
      segments.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  segments.push(current);
  return segments;
}

export function getField(record: JobValue, path: FieldPath): JobValue | undefined {
  let node: JobValue | undefined = record;
  for (const segment of path) {
    if (!isJobObject(node)) return undefined;
    node = Object.hasOwn(node, segment) ? node[segment] : undefined;
  }
  return node;
}

export function setField(record: JobObject, path: FieldPath, value: JobValue, at = 0): JobObject {
  const head = path[at];
  if (head === undefined) return record;
  if (at === path.length - 1) return { ...record, [head]: value };
  const child = record[head];
  return { ...record, [head]: setField(isJobObject(child) ? child : {}, path, value, at + 1) };
}

export function removeField(record: JobObject, path: FieldPath): JobObject {
  const [head, ...rest] = path;
  if (head === undefined || !Object.hasOwn(record, head)) return record;
  if (rest.length === 0) {
    return Object.fromEntries(Object.entries(record).filter(([field]) => field !== head));
  }
  const child = record[head];
  return isJobObject(child) ? { ...record, [head]: removeField(child, rest) } : record;
}
