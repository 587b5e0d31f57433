// Turns TypeBox validation errors into config problems a user can act on: one per key, with the
// key path, a plain message that never echoes the value, and a "did you mean" hint for typos.
// Any TypeBox schema can be checked this way (config.yaml now, job files later).

import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import type { ConfigProblem } from './config-problem.ts';
import { closestMatch } from './edit-distance.ts';
import type { YamlPath } from './yaml-document.ts';

/** Every schema problem of `value`, at most one per key path, in the order TypeBox finds them. */
export function schemaProblems(schema: TSchema, value: unknown): ConfigProblem[] {
  const problems = new Map<string, ConfigProblem>();
  for (const error of Value.Errors(schema, value)) {
    for (const problem of problemsOf(error)) {
      const key = problem.path.join('\u0000');
      if (!problems.has(key)) problems.set(key, problem);
    }
  }
  return [...problems.values()];
}

/** Splits a TypeBox JSON pointer (`/sources/pg/port`) into key path segments. */
export function pointerToPath(pointer: string): YamlPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function problemsOf(error: ValueError): ConfigProblem[] {
  const path = pointerToPath(error.path);
  const key = path.at(-1);
  const schema = error.schema as Record<string, unknown>;
  const customMessage =
    typeof schema['errorMessage'] === 'string' ? schema['errorMessage'] : undefined;
  switch (error.type) {
    case ValueErrorType.ObjectAdditionalProperties:
      return [unknownKey(path, String(key), schema)];
    case ValueErrorType.ObjectRequiredProperty:
      return [
        {
          code: 'CONFIG_INVALID',
          path,
          part: 'key',
          message: `missing required key '${String(key)}'`,
        },
      ];
    case ValueErrorType.Union: {
      const inner = mostSpecificVariant(error);
      if (inner !== undefined) return inner.flatMap(problemsOf);
      break;
    }
    default:
      break;
  }
  const expectation = customMessage ?? describeExpectation(error);
  if (path.length === 0) {
    const message = `the file must be a mapping with sources and targets, got ${describeValue(error.value)}`;
    return [{ code: 'CONFIG_INVALID', path, part: 'value', message }];
  }
  const got = KIND_ERRORS.has(error.type) ? `, got ${describeValue(error.value)}` : '';
  return [{ code: 'CONFIG_INVALID', path, part: 'value', message: expectation + got }];
}

/** Errors about the kind of a value, where saying what was found helps. */
const KIND_ERRORS: ReadonlySet<ValueErrorType> = new Set([
  ValueErrorType.String,
  ValueErrorType.Integer,
  ValueErrorType.Number,
  ValueErrorType.Boolean,
  ValueErrorType.Array,
  ValueErrorType.Object,
  ValueErrorType.Null,
  ValueErrorType.Literal,
]);

function unknownKey(path: YamlPath, key: string, schema: Record<string, unknown>): ConfigProblem {
  const properties = schema['properties'];
  const known =
    typeof properties === 'object' && properties !== null ? Object.keys(properties) : [];
  const closest = closestMatch(key, known);
  const hint =
    closest !== undefined
      ? `did you mean '${closest}'?`
      : known.length > 0
        ? `known keys here: ${known.join(', ')}`
        : undefined;
  return {
    code: 'CONFIG_UNKNOWN_KEY',
    path,
    part: 'key',
    message: `unknown key '${key}'`,
    ...(hint === undefined ? {} : { hint }),
  };
}

/**
 * For a value that matches no variant of a union (e.g. a table that is neither empty nor a valid
 * mapping), the errors of the variant that got furthest: the one whose errors lie deepest.
 */
function mostSpecificVariant(error: ValueError): ValueError[] | undefined {
  let best: { errors: ValueError[]; depth: number } | undefined;
  for (const variant of error.errors) {
    const errors = [...variant];
    const depth = Math.max(...errors.map((inner) => pointerToPath(inner.path).length));
    if (best === undefined || depth > best.depth) best = { errors, depth };
  }
  const ownDepth = pointerToPath(error.path).length;
  return best !== undefined && best.depth > ownDepth ? best.errors : undefined;
}

function describeExpectation(error: ValueError): string {
  const schema = error.schema as Record<string, unknown>;
  const limit = (name: string): string => String(schema[name]);
  switch (error.type) {
    case ValueErrorType.String:
      return 'must be a string';
    case ValueErrorType.Integer:
      return 'must be an integer';
    case ValueErrorType.Number:
      return 'must be a number';
    case ValueErrorType.Boolean:
      return 'must be true or false';
    case ValueErrorType.Array:
      return 'must be a list';
    case ValueErrorType.Object:
      return 'must be a mapping';
    case ValueErrorType.Null:
      return 'must be empty';
    case ValueErrorType.Literal:
      return `must be '${String(schema['const'])}'`;
    case ValueErrorType.StringMinLength:
      return limit('minLength') === '1'
        ? 'must not be empty'
        : `must be at least ${limit('minLength')} characters`;
    case ValueErrorType.StringMaxLength:
      return `must be at most ${limit('maxLength')} characters`;
    case ValueErrorType.StringPattern:
      return `must match the pattern ${limit('pattern')}`;
    case ValueErrorType.ArrayMinItems:
      return `must list at least ${limit('minItems')} item(s)`;
    case ValueErrorType.ArrayMaxItems:
      return `must list at most ${limit('maxItems')} item(s)`;
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.NumberMinimum:
      return `must be at least ${limit('minimum')}`;
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.NumberMaximum:
      return `must be at most ${limit('maximum')}`;
    default:
      return `is invalid (${error.message})`;
  }
}

/** The kind of a value, never the value itself: it may be a resolved secret. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return value === '' ? 'an empty string' : 'a string';
    case 'number':
      return Number.isInteger(value) ? 'an integer' : 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}
