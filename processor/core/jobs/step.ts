// What a compiled transform step is and what it may use: the evaluation context (injected
// time and ids), the limits, the lookup port and the type rendering. Steps are pure apart
// from the port.

import type { TypeRendering } from '../type-rendering.ts';
import type { EvaluationContext, EvaluationLimits } from './expression.ts';
import type { JobObject } from './job-value.ts';
import type { MaybePromise } from './maybe-async.ts';

/**
 * Reads from a target Redis for `redis.lookup`: `command` is the command and its arguments,
 * e.g. ['HGET', 'departments:7', 'name']. Only read-only commands are ever passed.
 */
export type LookupPort = (connection: string, command: readonly string[]) => Promise<unknown>;

export interface StepContext {
  readonly evaluation: EvaluationContext;
  readonly limits: EvaluationLimits;
  readonly lookup: LookupPort;
  /** processors.type_rendering: how outputs write booleans into hash fields and keys. */
  readonly rendering: TypeRendering;
  /**
   * The job's rows are indexed in the target (processor/core/row-index.ts): a delete that carries
   * only the key leaves outputs placed by the row's content to the index.
   */
  readonly rowIndex?: boolean;
}

/**
 * A transform step: the new record, or undefined when the record is filtered out; a promise
 * only when it had to wait (an expression off its fast path, a lookup).
 */
export type Step = (record: JobObject, context: StepContext) => MaybePromise<JobObject | undefined>;

/** A port for jobs without lookups; a lookup through it is a configuration error. */
export const noLookups: LookupPort = (connection) =>
  Promise.reject(new Error(`no Redis connection '${connection}' is available for redis.lookup`));
