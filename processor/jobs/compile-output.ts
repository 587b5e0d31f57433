// Compiles a `redis.write` output into a planner: (record as written now, record as it was
// before an update) → write ops. Keys, members, scores, values and expire come from
// expressions compiled here once; the default key is RDI's `<table>:<pk>:<value>`.

import { SluiceError } from '../../common/errors.ts';
import type { DeepReadonly } from '../../pipeline/deep-freeze.ts';
import type { DataType, OutputBlock } from '../../pipeline/job-schema.ts';
import type { YamlPath } from '../../pipeline/yaml-document.ts';
import type { ChangeEvent } from '../core/change-event.ts';
import { defaultKey } from '../core/default-job.ts';
import type { TypeRendering } from '../core/type-rendering.ts';
import type { WriteOp } from '../core/write-plan.ts';
import type { ExpressionSite } from './compile-expression.ts';
import { compileAt } from './compile-expression.ts';
import type { CacheSettings } from '../core/jobs/expression-cache.ts';
import type { CompiledExpression } from '../core/jobs/expression.ts';
import { evaluate } from '../core/jobs/expression.ts';
import type { WriteView } from '../core/jobs/job-record.ts';
import type { JobValue } from '../core/jobs/job-value.ts';
import { renderText } from '../core/jobs/job-value.ts';
import type { MaybePromise } from '../core/jobs/maybe-async.ts';
import { andThen } from '../core/jobs/maybe-async.ts';
import { compileNest } from '../core/jobs/output-nest.ts';
import { compileMapping, mapRow } from '../core/jobs/output-mapping.ts';
import type { Placement, UpdateMode } from '../core/jobs/output-ops.ts';
import { deleteOps, movedOps, streamAdd, upsertOps } from '../core/jobs/output-ops.ts';
import type { StepContext } from '../core/jobs/step.ts';

export interface OutputDefaults {
  /** processors.target_data_type */
  readonly dataType: 'hash' | 'json';
  /** processors.json_update_strategy */
  readonly jsonUpdate: UpdateMode;
}

export interface OutputInput {
  readonly event: ChangeEvent;
  readonly view: WriteView;
  /** The record as it was before an update, when known: its old key is removed if it moved. */
  readonly old: WriteView | undefined;
}

export interface CompiledOutput {
  readonly connection: string;
  readonly dataType: DataType;
  /** True when the key or member depends on the row (then an update may move it). */
  readonly movable: boolean;
  /** Synchronous unless an expression had to wait (then a promise). */
  plan(input: OutputInput, context: StepContext): MaybePromise<WriteOp[]>;
}

export function compileOutput(
  site: ExpressionSite,
  block: DeepReadonly<OutputBlock>,
  at: YamlPath,
  defaults: OutputDefaults,
): CompiledOutput {
  const options = block.with;
  const w = [...at, 'with'];
  if (options.nest !== undefined) return compileNest(options);
  const dataType: DataType = options.data_type ?? defaults.dataType;
  const mode: UpdateMode =
    options.on_update ?? (dataType === 'json' ? defaults.jsonUpdate : 'replace');
  const compile = (
    source: string | undefined,
    language: string | undefined,
    path: YamlPath,
    cache?: CacheSettings,
  ) => (source === undefined ? undefined : compileAt(site, source, language, path, cache));
  const argsLanguage = options.args?.language ?? options.key?.language;
  const key = compile(
    options.key?.expression,
    options.key?.language,
    [...w, 'key', 'expression'],
    options.key?.cache,
  );
  const member = compile(options.args?.member, argsLanguage, [...w, 'args', 'member']);
  const score = compile(options.args?.score, argsLanguage, [...w, 'args', 'score']);
  const value = compile(options.args?.value, argsLanguage, [...w, 'args', 'value']);
  const expire =
    typeof options.expire === 'object'
      ? compile(
          options.expire.expression,
          options.expire.language,
          [...w, 'expire', 'expression'],
          options.expire.cache,
        )
      : options.expire;
  const mapping = compileMapping(options.mapping);
  const connection = options.connection;
  const withConnection = (ops: WriteOp[]): WriteOp[] =>
    connection === 'target' ? ops : ops.map((op) => ({ ...op, connection }));

  const place = (
    view: WriteView,
    event: ChangeEvent,
    context: StepContext,
    upsert: boolean,
  ): MaybePromise<Placement> => {
    const text = (
      expression: CompiledExpression | undefined,
      what: string,
      scope: JobValue,
    ): MaybePromise<string | undefined> =>
      expression === undefined
        ? undefined
        : andThen(evaluate(expression, scope, context.evaluation, context.limits), (value) =>
            requireText(value, what, expression, context.rendering),
          );
    const placement: { -readonly [K in keyof Placement]: Placement[K] } = { key: '' };
    const withKey = andThen(text(key, 'key', view.scope), (keyText) => {
      placement.key = keyText ?? defaultKey(event, context.rendering);
      return text(member, 'member', view.args);
    });
    const placed = andThen(withKey, (memberText) => {
      if (memberText !== undefined) placement.member = memberText;
      return placement;
    });
    // Score and value matter only for writes: a delete needs no total of a deleted row.
    if (!upsert) return placed;
    const withScore = andThen(placed, () =>
      score === undefined
        ? undefined
        : evaluate(score, view.args, context.evaluation, context.limits),
    );
    const withValue = andThen(withScore, (scoreValue) => {
      if (score !== undefined) placement.score = requireScore(scoreValue, score);
      return text(value, 'value', view.args);
    });
    return andThen(withValue, (valueText) => {
      if (valueText !== undefined) placement.value = valueText;
      return placement;
    });
  };

  const finish = (
    view: WriteView,
    old: WriteView | undefined,
    now: Placement,
    event: ChangeEvent,
    context: StepContext,
  ): MaybePromise<WriteOp[]> => {
    const row = mapRow(mapping, view.row, view.unavailable);
    if (view.opcode === 'd') {
      // Streams are append-only: a delete is one more entry, with op_code d.
      const ops =
        dataType === 'stream'
          ? [streamAdd(now.key, row, 'd', context.rendering)]
          : deleteOps(dataType, now);
      return withConnection(ops);
    }
    const moved: MaybePromise<WriteOp[]> =
      old !== undefined && (key !== undefined || member !== undefined)
        ? andThen(place(old, event, context, false), (before) => movedOps(dataType, before, now))
        : [];
    return andThen(moved, (ops) => {
      ops.push(...upsertOps(dataType, now, row, mode, view.opcode, context.rendering));
      if (expire === undefined) return withConnection(ops);
      if (typeof expire === 'number') {
        ops.push({ kind: 'expire', key: now.key, seconds: expire });
        return withConnection(ops);
      }
      return andThen(run(expire, view, context), (value) => {
        ops.push({ kind: 'expire', key: now.key, seconds: requireSeconds(value, expire) });
        return withConnection(ops);
      });
    });
  };

  return {
    connection,
    dataType,
    movable: key !== undefined || member !== undefined,
    plan: ({ event, view, old }, context) =>
      andThen(place(view, event, context, view.opcode !== 'd'), (now) =>
        finish(view, old, now, event, context),
      ),
  };
}

function run(expression: CompiledExpression, view: WriteView, context: StepContext) {
  return evaluate(expression, view.scope, context.evaluation, context.limits);
}

function invalid(what: string, expression: CompiledExpression, got: string): SluiceError {
  return new SluiceError(
    'JOB_OUTPUT_INVALID',
    `the ${what} expression '${expression.source}' must give ${got}`,
  );
}

function requireText(
  value: JobValue | undefined,
  what: string,
  expression: CompiledExpression,
  rendering: TypeRendering,
): string {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return renderText(value, rendering);
  throw invalid(
    what,
    expression,
    `a non-empty string or a number, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`,
  );
}

function requireScore(value: JobValue | undefined, expression: CompiledExpression): string {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number === 'number' && Number.isFinite(number)) return String(number);
  throw invalid('score', expression, 'a finite number');
}

function requireSeconds(value: JobValue | undefined, expression: CompiledExpression): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number === 'number' && Number.isInteger(number) && number >= 1) return number;
  throw invalid('expire', expression, 'a whole number of seconds, at least 1');
}
