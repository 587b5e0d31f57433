// RDI's `cache:` block: an expression's results kept per distinct values of the fields it reads
// (the whole record when they cannot be known), least recently used first out, each for
// `ttl_seconds` of the evaluation clock. Also used for `lookup_cache:` (Redis replies).

import type { CompiledExpression } from './expression.ts';
import type { JobValue } from './job-value.ts';
import { isJobObject } from './job-value.ts';

export interface CacheSettings {
  readonly enabled: boolean;
  readonly max_size: number;
  readonly ttl_seconds: number;
}

/** A bounded map of results with an expiry per entry; `now` comes from the caller. */
export class ResultCache<V> {
  readonly #entries = new Map<string, { value: V; expires: number }>();
  readonly #maxSize: number;
  readonly #ttlMs: number;

  constructor(settings: CacheSettings) {
    this.#maxSize = settings.max_size;
    this.#ttlMs = settings.ttl_seconds * 1000;
  }

  get(key: string, now: number): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.expires <= now) return undefined;
    this.#entries.set(key, entry); // most recently used last
    return entry.value;
  }

  set(key: string, value: V, now: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expires: now + this.#ttlMs });
    while (this.#entries.size > this.#maxSize) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}

/**
 * `expression` behind a cache when `settings.enabled`; `fields` are the top-level fields it
 * reads (undefined: it may read anything, so the whole record is the key).
 */
export function withCache(
  expression: CompiledExpression,
  settings: CacheSettings | undefined,
  fields: readonly string[] | undefined,
): CompiledExpression {
  if (settings?.enabled !== true) return expression;
  const cache = new ResultCache<unknown>(settings);
  const keyOf = (input: JobValue): string => {
    if (fields === undefined || !isJobObject(input)) return JSON.stringify(input);
    return JSON.stringify(fields.map((field) => fieldValue(input, field) ?? null));
  };
  return {
    source: expression.source,
    language: expression.language,
    evaluate: (input, context) => {
      const key = keyOf(input);
      const hit = cache.get(key, context.now);
      if (hit !== undefined) return hit;
      const value = expression.evaluate(input, context);
      cache.set(key, value, context.now);
      // A failed evaluation (JSONata's are promises) is not kept.
      if (value instanceof Promise)
        value.catch(() => {
          cache.delete(key);
        });
      return value;
    },
  };
}

/** The field of that name, else one whose name differs only in case (SQL names ignore case). */
function fieldValue(
  input: Readonly<Record<string, JobValue>>,
  field: string,
): JobValue | undefined {
  if (Object.hasOwn(input, field)) return input[field];
  const folded = field.toLowerCase();
  for (const name of Object.keys(input)) {
    if (name.toLowerCase() === folded) return input[name];
  }
  return undefined;
}
