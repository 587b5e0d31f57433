// The messages between the expression pool and its workers: a worker says READY once its
// modules are loaded, then gets one task at a time and answers with its output or its error.

import type { TaskName } from './expression-tasks.ts';
import type { WorkerError } from './worker-errors.ts';

export const READY = 'ready';

export interface TaskMessage {
  readonly id: number;
  readonly task: TaskName;
  readonly input: unknown;
}

export type ResultMessage =
  | { readonly id: number; readonly ok: true; readonly output: unknown }
  | { readonly id: number; readonly ok: false; readonly error: WorkerError };
