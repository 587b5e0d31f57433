// The redis.lookup block: evaluates its argument expressions, asks the injected lookup port
// to run one read-only command, and stores the reply in a field.

import { SluiceError } from '../../common/errors.ts';
import type { TransformBlock } from '../../pipeline/job-schema.ts';
import type { DeepReadonly } from '../../pipeline/deep-freeze.ts';
import type { YamlPath } from '../../pipeline/yaml-document.ts';
import type { ExpressionSite } from './compile-expression.ts';
import { compileAt } from './compile-expression.ts';
import { ResultCache } from '../core/jobs/expression-cache.ts';
import { evaluate } from '../core/jobs/expression.ts';
import { parseFieldPath, setField } from '../core/jobs/field-path.ts';
import { fromExpression, renderText } from '../core/jobs/job-value.ts';
import type { Step } from '../core/jobs/step.ts';

type LookupOptions = Extract<DeepReadonly<TransformBlock>, { uses: 'redis.lookup' }>['with'];

/** Commands a lookup may run: reads only, so a job can never change data through a lookup. */
export const LOOKUP_COMMANDS: ReadonlySet<string> = new Set([
  'EXISTS',
  'GET',
  'MGET',
  'STRLEN',
  'TYPE',
  'HGET',
  'HGETALL',
  'HMGET',
  'HEXISTS',
  'HKEYS',
  'HVALS',
  'HLEN',
  'SMEMBERS',
  'SISMEMBER',
  'SCARD',
  'ZRANGE',
  'ZSCORE',
  'ZRANK',
  'ZCARD',
  'LRANGE',
  'LINDEX',
  'LLEN',
  'JSON.GET',
]);

export function compileLookup(site: ExpressionSite, options: LookupOptions, at: YamlPath): Step {
  const command = options.cmd.toUpperCase();
  if (!LOOKUP_COMMANDS.has(command)) {
    throw new SluiceError('CONFIG_INVALID', `redis.lookup cannot run ${options.cmd}`, {
      path: [...at, 'cmd'].join('.'),
      location: site.job.locate([...at, 'cmd'], 'value'),
      hint: `lookups are read-only: ${[...LOOKUP_COMMANDS].join(', ')}`,
    });
  }
  const args = options.args.map((source, i) =>
    compileAt(site, source, options.language, [...at, 'args', i], options.cache),
  );
  const field = parseFieldPath(options.field);
  // lookup_cache: replies kept per distinct command across batches (RDI's meaning: they may be
  // up to ttl_seconds old).
  const replies =
    options.lookup_cache?.enabled === true
      ? new ResultCache<unknown>(options.lookup_cache)
      : undefined;
  return async (record, context) => {
    const values: string[] = [command];
    for (const arg of args) {
      const value = await evaluate(arg, record, context.evaluation, context.limits);
      if (value === undefined || value === null) {
        throw new SluiceError(
          'JOB_EXPRESSION_FAILED',
          `the lookup argument '${arg.source}' has no value`,
        );
      }
      values.push(renderText(value));
    }
    const cacheKey = JSON.stringify(values);
    const now = context.evaluation.now;
    let reply: unknown = replies?.get(cacheKey, now);
    if (reply !== undefined) return setField(record, field, fromExpression(reply) ?? null);
    try {
      reply = await context.lookup(options.connection, values);
      replies?.set(cacheKey, reply, now);
    } catch (error) {
      if (error instanceof SluiceError) throw error;
      // A failing read of the target is transient (retried), like any target fault.
      throw new SluiceError(
        'TARGET_UNAVAILABLE',
        `redis.lookup ${values.join(' ')} failed: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
    return setField(record, field, fromExpression(reply) ?? null);
  };
}
