// RDI's extra JMESPath functions (base64_decode … uuid), with the same names and arguments as
// in RDI job files. Time and uuid come from the injected evaluation context.

import { createHash } from 'node:crypto';
import type { EvaluationContext } from './expression.ts';
import type { CustomFunction } from './jmespath-runtime.ts';

const DAY_MS = 86_400_000;

function text(name: string, value: unknown, position: number): string {
  if (typeof value === 'string') return value;
  throw new TypeError(`${name}() expects a string as argument ${position}`);
}

function integer(name: string, value: unknown, position: number): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw new TypeError(`${name}() expects an integer as argument ${position}`);
}

function arity(name: string, args: readonly unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    throw new TypeError(`${name}() takes ${expected} argument(s), got ${args.length}`);
  }
}

function asString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** A Unix timestamp (seconds) or a date/time text as milliseconds since the epoch. */
function instant(name: string, value: unknown): number {
  if (typeof value === 'number') return value * 1000;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new TypeError(`${name}() expects a Unix timestamp or an ISO date/time`);
}

const HASHES = new Set(['md5', 'sha1', 'sha256', 'sha512']);

export function rdiFunctions(context: () => EvaluationContext): Map<string, CustomFunction> {
  const fns: [string, CustomFunction][] = [
    [
      'base64_decode',
      (a) => (
        arity('base64_decode', a, 1),
        Buffer.from(text('base64_decode', a[0], 1), 'base64').toString('utf8')
      ),
    ],
    [
      'capitalize',
      (a) => {
        arity('capitalize', a, 1);
        const s = text('capitalize', a[0], 1);
        return s.slice(0, 1).toUpperCase() + s.slice(1).toLowerCase();
      },
    ],
    [
      'concat',
      (a) => {
        arity('concat', a, 1);
        if (!Array.isArray(a[0])) throw new TypeError('concat() expects a list');
        return a[0].map(asString).join('');
      },
    ],
    [
      'filter_entries',
      (a) => {
        arity('filter_entries', a, 2);
        const [object, keys] = a;
        if (typeof object !== 'object' || object === null || !Array.isArray(keys)) {
          throw new TypeError('filter_entries() expects an object and a list of keys');
        }
        const wanted = new Set(keys.map(asString));
        return Object.fromEntries(Object.entries(object).filter(([k]) => wanted.has(k)));
      },
    ],
    [
      'from_entries',
      (a) => {
        arity('from_entries', a, 1);
        if (!Array.isArray(a[0])) throw new TypeError('from_entries() expects a list');
        return Object.fromEntries(
          a[0].map((entry: unknown) => {
            if (Array.isArray(entry)) return [asString(entry[0]), entry[1] as unknown];
            const { key, value } = entry as { key?: unknown; value?: unknown };
            return [asString(key), value];
          }),
        );
      },
    ],
    [
      'hash',
      (a) => {
        arity('hash', a, 1, 2);
        const algorithm = a[1] === undefined ? 'sha256' : text('hash', a[1], 2).toLowerCase();
        if (!HASHES.has(algorithm))
          throw new TypeError(`hash() supports ${[...HASHES].join(', ')}`);
        return createHash(algorithm).update(asString(a[0])).digest('hex');
      },
    ],
    [
      'in',
      (a) => {
        arity('in', a, 2);
        if (!Array.isArray(a[1])) throw new TypeError('in() expects a list as argument 2');
        return a[1].includes(a[0]);
      },
    ],
    [
      'left',
      (a) => (
        arity('left', a, 2),
        text('left', a[0], 1).slice(0, Math.max(0, integer('left', a[1], 2)))
      ),
    ],
    [
      'right',
      (a) => {
        arity('right', a, 2);
        const s = text('right', a[0], 1);
        const n = integer('right', a[1], 2);
        return n <= 0 ? '' : s.slice(-n);
      },
    ],
    [
      'mid',
      (a) => {
        arity('mid', a, 3);
        const start = Math.max(0, integer('mid', a[1], 2));
        return text('mid', a[0], 1).slice(start, start + Math.max(0, integer('mid', a[2], 3)));
      },
    ],
    ['lower', (a) => (arity('lower', a, 1), text('lower', a[0], 1).toLowerCase())],
    ['upper', (a) => (arity('upper', a, 1), text('upper', a[0], 1).toUpperCase())],
    [
      'json_parse',
      (a) => (arity('json_parse', a, 1), JSON.parse(text('json_parse', a[0], 1)) as unknown),
    ],
    [
      'regex_replace',
      (a) => {
        arity('regex_replace', a, 3);
        // Python-style group references (\1) as in RDI, translated to JavaScript's ($1).
        const replacement = text('regex_replace', a[2], 3).replace(/\\(\d+)/g, '$$$1');
        return text('regex_replace', a[0], 1).replace(
          new RegExp(text('regex_replace', a[1], 2), 'g'),
          replacement,
        );
      },
    ],
    [
      'replace',
      (a) => (
        arity('replace', a, 3),
        text('replace', a[0], 1).replaceAll(text('replace', a[1], 2), text('replace', a[2], 3))
      ),
    ],
    [
      'split',
      (a) => {
        arity('split', a, 1, 2);
        return text('split', a[0], 1).split(a[1] === undefined ? ',' : text('split', a[1], 2));
      },
    ],
    [
      'time_delta_days',
      (a) => (
        arity('time_delta_days', a, 1),
        Math.trunc((instant('time_delta_days', a[0]) - context().now) / DAY_MS)
      ),
    ],
    [
      'time_delta_seconds',
      (a) => (
        arity('time_delta_seconds', a, 1),
        Math.trunc((instant('time_delta_seconds', a[0]) - context().now) / 1000)
      ),
    ],
    [
      'to_entries',
      (a) => {
        arity('to_entries', a, 1);
        if (typeof a[0] !== 'object' || a[0] === null)
          throw new TypeError('to_entries() expects an object');
        return Object.entries(a[0]).map(([key, value]) => ({ key, value: value as unknown }));
      },
    ],
    ['uuid', (a) => (arity('uuid', a, 0), context().uuid())],
  ];
  return new Map(fns);
}
