// RDI's extra JMESPath functions (base64_decode … xml_to_dict), with the names, arguments and
// results of RDI's reference (each documented example is a case of compat/rdi). RDI runs them
// in Python, so values meet text the way Python's str() writes them (None, True, False).
// Time and uuid come from the injected evaluation context.

import { createHash } from 'node:crypto';
import type { EvaluationContext } from './expression.ts';
import { DEFAULT_LIMITS } from './expression.ts';
import { linearPattern, replaceAllLinear } from './linear-regex.ts';
import type { Arity, CustomFunction } from '../../jobs/jmespath-runtime.ts';
import { xmlToDict } from './xml-to-dict.ts';

const DAY_MS = 86_400_000;

/** Arguments each function takes: checked at deploy (jmespath-check.ts) and on each call. */
export const RDI_FUNCTION_ARITY: ReadonlyMap<string, Arity> = new Map(
  (
    [
      ['base64_decode', 1, 1],
      ['capitalize', 1, 1],
      ['concat', 1, 1],
      ['filter_entries', 2, 2],
      ['from_entries', 1, 1],
      ['hash', 1, 2],
      ['in', 2, 2],
      ['left', 2, 2],
      ['right', 2, 2],
      ['mid', 3, 3],
      ['lower', 1, 1],
      ['upper', 1, 1],
      ['json_parse', 1, 1],
      ['regex_replace', 3, 3],
      ['replace', 3, 3],
      ['split', 1, 2],
      ['time_delta_days', 1, 1],
      ['time_delta_seconds', 1, 1],
      ['to_entries', 1, 1],
      ['uuid', 0, 0],
      ['xml_to_dict', 1, 1],
    ] as const
  ).map(([name, min, max]) => [name, { min, max }]),
);

/** hash() algorithms as RDI names them (Python hashlib), and Node's names for them. */
const HASHES: ReadonlyMap<string, string> = new Map([
  ['sha1', 'sha1'],
  ['sha224', 'sha224'],
  ['sha256', 'sha256'],
  ['sha384', 'sha384'],
  ['sha512', 'sha512'],
  ['md5', 'md5'],
  ['sha3_224', 'sha3-224'],
  ['sha3_256', 'sha3-256'],
  ['sha3_384', 'sha3-384'],
  ['sha3_512', 'sha3-512'],
  ['blake2b', 'blake2b512'],
  ['blake2s', 'blake2s256'],
]);

function text(name: string, value: unknown, position: number): string {
  if (typeof value === 'string') return value;
  throw new TypeError(`${name}() expects a string as argument ${position}`);
}

function integer(name: string, value: unknown, position: number): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw new TypeError(`${name}() expects an integer as argument ${position}`);
}

function arity(name: string, args: readonly unknown[]): void {
  const { min, max } = RDI_FUNCTION_ARITY.get(name) ?? { min: 0, max: Infinity };
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    throw new TypeError(`${name}() takes ${expected} argument(s), got ${args.length}`);
  }
}

/** A value as Python's str() writes it: RDI's concat([... null ...]) gives `None`. */
function pythonText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

/** A Unix timestamp (seconds) or an ISO date/time, as milliseconds since the epoch. */
function instant(name: string, value: unknown): number {
  if (typeof value === 'number') return value * 1000;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new TypeError(`${name}() expects a Unix timestamp or an ISO date/time`);
}

/** A function of one text that gives null for null, as RDI's string helpers do. */
function onText(name: string, apply: (s: string, args: unknown[]) => unknown): CustomFunction {
  return (a) => {
    arity(name, a);
    if (a[0] === null || a[0] === undefined) return null;
    return apply(text(name, a[0], 1), a);
  };
}

/** Capitalizes each word: the first letter upper case, the rest lower case. */
function capitalizeWords(s: string): string {
  return s.replace(/\S+/g, (word) => word.slice(0, 1).toUpperCase() + word.slice(1).toLowerCase());
}

export interface FunctionContext {
  /** The evaluation's clock and uuid source. */
  readonly evaluation: () => EvaluationContext;
  /** Evaluates a JMESPath expression given as text (filter_entries' predicate). */
  readonly search: (expression: string, data: unknown) => unknown;
}

export function rdiFunctions(context: FunctionContext): Map<string, CustomFunction> {
  const fns: [string, CustomFunction][] = [
    ['base64_decode', onText('base64_decode', (s) => Buffer.from(s, 'base64').toString('utf8'))],
    ['capitalize', onText('capitalize', capitalizeWords)],
    [
      'concat',
      (a) => {
        arity('concat', a);
        if (!Array.isArray(a[0])) throw new TypeError('concat() expects a list');
        return a[0].map(pythonText).join('');
      },
    ],
    [
      'filter_entries',
      (a) => {
        arity('filter_entries', a);
        const [object, predicate] = a;
        if (object === null || object === undefined) return null;
        if (typeof object !== 'object' || Array.isArray(object)) {
          throw new TypeError('filter_entries() expects an object');
        }
        const entries = Object.entries(object as Record<string, unknown>);
        // RDI's form: a JMESPath predicate over {key, value}; a list of keys is also accepted.
        if (Array.isArray(predicate)) {
          const wanted = new Set(predicate.map(pythonText));
          return Object.fromEntries(entries.filter(([k]) => wanted.has(k)));
        }
        const test = text('filter_entries', predicate, 2);
        return Object.fromEntries(
          entries.filter(([key, value]) => truthy(context.search(test, { key, value }))),
        );
      },
    ],
    [
      'from_entries',
      (a) => {
        arity('from_entries', a);
        if (!Array.isArray(a[0])) throw new TypeError('from_entries() expects a list');
        return Object.fromEntries(
          a[0].map((entry: unknown) => {
            if (Array.isArray(entry)) return [pythonText(entry[0]), entry[1] as unknown];
            const { key, value } = entry as { key?: unknown; value?: unknown };
            return [pythonText(key), value ?? null];
          }),
        );
      },
    ],
    [
      'hash',
      (a) => {
        arity('hash', a);
        if (a[0] === null || a[0] === undefined) return null;
        const name = a[1] === undefined ? 'sha1' : text('hash', a[1], 2).toLowerCase();
        const algorithm = HASHES.get(name);
        if (algorithm === undefined) {
          throw new TypeError(`hash() supports ${[...HASHES.keys()].join(', ')}`);
        }
        return createHash(algorithm).update(pythonText(a[0])).digest('hex');
      },
    ],
    [
      'in',
      (a) => {
        arity('in', a);
        if (!Array.isArray(a[1])) throw new TypeError('in() expects a list as argument 2');
        return a[1].some((item: unknown) => sameValue(item, a[0]));
      },
    ],
    ['left', onText('left', (s, a) => s.slice(0, Math.max(0, integer('left', a[1], 2))))],
    [
      'right',
      onText('right', (s, a) => {
        const n = integer('right', a[1], 2);
        return n <= 0 ? '' : s.slice(-n);
      }),
    ],
    [
      'mid',
      onText('mid', (s, a) => {
        const start = Math.max(0, integer('mid', a[1], 2));
        return s.slice(start, start + Math.max(0, integer('mid', a[2], 3)));
      }),
    ],
    ['lower', onText('lower', (s) => s.toLowerCase())],
    ['upper', onText('upper', (s) => s.toUpperCase())],
    ['json_parse', onText('json_parse', (s) => JSON.parse(s) as unknown)],
    [
      'regex_replace',
      onText('regex_replace', (s, a) => {
        // Python-style group references (\1, \g<1>) as in RDI; RE2, so matching is linear.
        const pattern = linearPattern(text('regex_replace', a[1], 2));
        const replacement = text('regex_replace', a[2], 3);
        return replaceAllLinear(s, pattern, replacement, DEFAULT_LIMITS.maxResultChars);
      }),
    ],
    [
      'replace',
      onText('replace', (s, a) => s.replaceAll(text('replace', a[1], 2), text('replace', a[2], 3))),
    ],
    [
      'split',
      onText('split', (s, a) => s.split(a[1] === undefined ? ',' : text('split', a[1], 2))),
    ],
    [
      'time_delta_days',
      (a) => {
        arity('time_delta_days', a);
        if (a[0] === null || a[0] === undefined) return null;
        // now − dt in whole days, floored as Python's timedelta.days: a past dt is positive.
        return Math.floor((context.evaluation().now - instant('time_delta_days', a[0])) / DAY_MS);
      },
    ],
    [
      'time_delta_seconds',
      (a) => {
        arity('time_delta_seconds', a);
        if (a[0] === null || a[0] === undefined) return null;
        return Math.trunc((context.evaluation().now - instant('time_delta_seconds', a[0])) / 1000);
      },
    ],
    [
      'to_entries',
      (a) => {
        arity('to_entries', a);
        if (a[0] === null || a[0] === undefined) return null;
        if (typeof a[0] !== 'object') throw new TypeError('to_entries() expects an object');
        return Object.entries(a[0]).map(([key, value]) => ({ key, value: value as unknown }));
      },
    ],
    ['uuid', (a) => (arity('uuid', a), context.evaluation().uuid())],
    [
      'xml_to_dict',
      (a) => {
        arity('xml_to_dict', a);
        if (a[0] === null || a[0] === undefined) return null;
        const xml = text('xml_to_dict', a[0], 1);
        return xml === '' ? '' : xmlToDict(xml);
      },
    ],
  ];
  return new Map(fns);
}

/** JMESPath's truth: false, null, empty strings, lists and objects are false; 0 is true. */
function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) {
    return JSON.stringify(a) === JSON.stringify(b);
  }
  return false;
}
