// Compiles the transform blocks of a job (add_field, remove_field, rename_field, filter, map,
// redis.lookup) into steps. Every expression is compiled here, once.

import { SluiceError } from '../../common/errors.ts';
import type { TransformBlock } from '../../pipeline/job-schema.ts';
import type { DeepReadonly } from '../../pipeline/deep-freeze.ts';
import type { YamlPath } from '../../pipeline/yaml-document.ts';
import type { ExpressionSite } from './compile-expression.ts';
import { compileAt } from './compile-expression.ts';
import type { CacheSettings } from '../core/jobs/expression-cache.ts';
import { evaluate } from '../core/jobs/expression.ts';
import { getField, parseFieldPath, removeField, setField } from '../core/jobs/field-path.ts';
import type { JobValue } from '../core/jobs/job-value.ts';
import { isJobObject } from '../core/jobs/job-value.ts';
import { andThen, reduceSteps } from '../core/jobs/maybe-async.ts';
import { compileLookup } from './redis-lookup.ts';
import type { Step } from '../core/jobs/step.ts';

export function compileTransform(
  site: ExpressionSite,
  block: DeepReadonly<TransformBlock>,
  at: YamlPath,
): Step {
  const w = [...at, 'with'];
  switch (block.uses) {
    case 'add_field': {
      const items = block.with.fields ?? [
        {
          field: block.with.field ?? '',
          expression: block.with.expression ?? '',
          language: block.with.language,
          cache: block.with.cache,
        },
      ];
      const compiled = items.map((item, i) => ({
        path: parseFieldPath(item.field),
        expression: compileAt(
          site,
          item.expression,
          item.language ?? block.with.language,
          block.with.fields ? [...w, 'fields', i, 'expression'] : [...w, 'expression'],
          item.cache ?? block.with.cache,
        ),
      }));
      return (record, context) =>
        reduceSteps(compiled, record, ({ path, expression }, next) =>
          andThen(evaluate(expression, next, context.evaluation, context.limits), (value) =>
            setField(next, path, value ?? null),
          ),
        );
    }
    case 'remove_field': {
      const paths = (block.with.fields?.map((f) => f.field) ?? [block.with.field ?? '']).map(
        parseFieldPath,
      );
      return (record) => paths.reduce(removeField, record);
    }
    case 'rename_field': {
      const items = (
        block.with.fields ?? [
          { from_field: block.with.from_field ?? '', to_field: block.with.to_field ?? '' },
        ]
      ).map((f) => ({ from: parseFieldPath(f.from_field), to: parseFieldPath(f.to_field) }));
      return (record) =>
        items.reduce((next, { from, to }) => {
          const value = getField(next, from);
          return value === undefined ? next : setField(removeField(next, from), to, value);
        }, record);
    }
    case 'filter': {
      const expression = compileAt(
        site,
        block.with.expression,
        block.with.language,
        [...w, 'expression'],
        block.with.cache,
      );
      return (record, context) =>
        andThen(evaluate(expression, record, context.evaluation, context.limits), (value) =>
          isTrue(value) ? record : undefined,
        );
    }
    case 'map':
      return compileMap(
        site,
        block.with.expression,
        block.with.language,
        [...w, 'expression'],
        block.with.cache,
      );
    case 'redis.lookup':
      return compileLookup(site, block.with, w);
  }
}

function compileMap(
  site: ExpressionSite,
  expression: string | DeepReadonly<Record<string, string>>,
  language: string | undefined,
  at: YamlPath,
  cache: CacheSettings | undefined,
): Step {
  if (typeof expression === 'string') {
    const compiled = compileAt(site, expression, language, at, cache);
    return (record, context) =>
      andThen(evaluate(compiled, record, context.evaluation, context.limits), (value) => {
        if (!isJobObject(value)) {
          throw new SluiceError(
            'JOB_EXPRESSION_FAILED',
            `the map expression must build an object, but it gave ${describe(value)}`,
          );
        }
        return value;
      });
  }
  const fields = Object.entries(expression).map(([field, source]) => ({
    field,
    compiled: compileAt(site, source, language, [...at, field], cache),
  }));
  return (record, context) => {
    const out: Record<string, JobValue> = {};
    return reduceSteps(fields, out, ({ field, compiled }, built) =>
      andThen(evaluate(compiled, record, context.evaluation, context.limits), (value) => {
        built[field] = value ?? null;
        return built;
      }),
    );
  };
}

/** JSONata's notion of truth, which also fits JMESPath results: empty and zero are false. */
export function isTrue(value: JobValue | undefined): boolean {
  if (value === undefined || value === null || value === false || value === '' || value === 0)
    return false;
  if (Array.isArray(value)) return value.some((item: JobValue) => isTrue(item));
  if (isJobObject(value)) return Object.keys(value).length > 0;
  return true;
}

function describe(value: JobValue | undefined): string {
  if (value === undefined) return 'no value';
  if (value === null) return 'null';
  return Array.isArray(value) ? 'a list' : `a ${typeof value}`;
}
