// Entry point of an expression worker thread: runs one task at a time (expression-tasks.ts)
// and posts back its output or its error as plain data. The pool (expression-pool.ts) bounds
// its heap and its time, and terminates it on overrun.

import { parentPort } from 'node:worker_threads';
import { expressionTasks } from './expression-tasks.ts';
import { toWorkerError } from './worker-errors.ts';
import { READY, type ResultMessage, type TaskMessage } from './worker-protocol.ts';

const port = parentPort;
if (port === null) throw new Error('expression-worker.ts runs only as a worker thread');

port.on('message', (message: TaskMessage) => {
  const run = expressionTasks[message.task] as (input: unknown) => Promise<unknown>;
  run(message.input).then(
    (output) => {
      try {
        port.postMessage({ id: message.id, ok: true, output } satisfies ResultMessage);
      } catch (error) {
        // An output that cannot be cloned is a bug of the task: report it, do not hang.
        port.postMessage({
          id: message.id,
          ok: false,
          error: toWorkerError(error),
        } satisfies ResultMessage);
      }
    },
    (error: unknown) => {
      port.postMessage({
        id: message.id,
        ok: false,
        error: toWorkerError(error),
      } satisfies ResultMessage);
    },
  );
});

// Every module is loaded: from now on a task's deadline measures only the task.
port.postMessage(READY);
