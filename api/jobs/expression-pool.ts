// A small pool of worker threads that run user expressions for the api (job dry-runs): each
// task has a total deadline and each worker a heap cap, and a worker that overruns either is
// terminated and replaced. However a job behaves (a catastrophic loop, a huge allocation),
// the api's own event loop keeps answering, and the caller gets a coded error.

import { Worker } from 'node:worker_threads';
import { SluiceError } from '../../common/errors.ts';
import { READY, type ResultMessage, type TaskMessage } from './worker-protocol.ts';
import type { TaskInput, TaskName, TaskOutput } from './expression-tasks.ts';
import { fromWorkerError } from './worker-errors.ts';

export interface ExpressionPoolLimits {
  /** Worker threads at most (started on demand, kept while idle). */
  readonly workers: number;
  /** Longest a task may run, start to end, in milliseconds: over it the worker is ended. */
  readonly deadlineMs: number;
  /** Heap of one worker (old generation), in MiB: over it the worker is ended. */
  readonly heapMb: number;
  /** Tasks that may wait for a worker; one more is refused at once (retryable). */
  readonly queue: number;
  /** What a task is called in overrun errors ("the job ran longer than …"). */
  readonly subject?: string;
}

export const DEFAULT_POOL_LIMITS: ExpressionPoolLimits = {
  workers: 2,
  deadlineMs: 10_000,
  heapMb: 256,
  queue: 32,
};

const WORKER_URL = new URL('./expression-worker.ts', import.meta.url);

interface Pending {
  readonly message: TaskMessage;
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: Error) => void;
}

interface Running {
  readonly pending: Pending;
  readonly timer: NodeJS.Timeout;
}

export class ExpressionPool {
  readonly limits: ExpressionPoolLimits;
  readonly #idle: Worker[] = [];
  /** Spawned workers still loading their modules: not counted against a task's deadline. */
  readonly #starting = new Set<Worker>();
  readonly #running = new Map<Worker, Running>();
  readonly #queue: Pending[] = [];
  #nextId = 0;
  #closed = false;

  constructor(limits: Partial<ExpressionPoolLimits> = {}) {
    this.limits = { ...DEFAULT_POOL_LIMITS, ...limits };
  }

  /** Runs task `name` on `input` in a worker; rejects with a coded error on any overrun. */
  run<N extends TaskName>(name: N, input: TaskInput<N>): Promise<TaskOutput<N>> {
    if (this.#closed) return Promise.reject(new Error('the expression pool is closed'));
    if (this.#queue.length >= this.limits.queue) {
      return Promise.reject(
        new SluiceError(
          'TIMEOUT',
          `all ${this.limits.workers} expression workers are busy and ${this.#queue.length} requests wait; retry later`,
        ),
      );
    }
    return new Promise<TaskOutput<N>>((resolve, reject) => {
      const message: TaskMessage = { id: ++this.#nextId, task: name, input };
      this.#queue.push({ message, resolve: resolve as (output: unknown) => void, reject });
      this.#dispatch();
    });
  }

  /** Workers alive now (idle or busy): for tests and metrics. */
  get size(): number {
    return this.#starting.size + this.#idle.length + this.#running.size;
  }

  /** Ends every worker; waiting and running tasks are rejected. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const pending of this.#queue.splice(0)) {
      pending.reject(new Error('the expression pool closed'));
    }
    const workers = [...this.#starting, ...this.#idle.splice(0), ...this.#running.keys()];
    this.#starting.clear();
    for (const [worker, running] of this.#running) {
      this.#finish(worker, running);
      running.pending.reject(new Error('the expression pool closed'));
    }
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const worker = this.#idle.pop();
      if (worker === undefined) {
        // Tasks wait for a worker to start: a deadline starts when its task runs.
        if (this.#starting.size < this.#queue.length && this.size < this.limits.workers) {
          this.#spawn();
        }
        return;
      }
      const pending = this.#queue.shift();
      if (pending === undefined) {
        this.#idle.push(worker);
        return;
      }
      try {
        // Structured cloning recurses: an input nested deep enough overflows the stack here.
        worker.postMessage(pending.message);
      } catch (error) {
        this.#idle.push(worker);
        pending.reject(uncloneable(error));
        continue;
      }
      const timer = setTimeout(() => {
        this.#overrun(worker);
      }, this.limits.deadlineMs);
      this.#running.set(worker, { pending, timer });
    }
  }

  #spawn(): void {
    const worker = new Worker(WORKER_URL, {
      resourceLimits: {
        maxOldGenerationSizeMb: this.limits.heapMb,
        maxYoungGenerationSizeMb: Math.max(8, Math.floor(this.limits.heapMb / 8)),
        stackSizeMb: 4,
      },
      stdout: false,
      stderr: false,
    });
    // An idle worker must not keep the process alive; close() ends it explicitly.
    worker.unref();
    this.#starting.add(worker);
    worker.on('message', (result: ResultMessage | typeof READY) => {
      if (result === READY) this.#ready(worker);
      else this.#settle(worker, result);
    });
    worker.on('error', (error: Error & { code?: string }) => {
      this.#crashed(worker, error);
    });
    worker.on('exit', () => {
      this.#crashed(worker, new Error('the expression worker exited'));
    });
  }

  #ready(worker: Worker): void {
    if (!this.#starting.delete(worker)) return;
    this.#idle.push(worker);
    this.#dispatch();
  }

  #settle(worker: Worker, result: ResultMessage): void {
    const running = this.#running.get(worker);
    if (running === undefined || running.pending.message.id !== result.id) return;
    this.#finish(worker, running);
    if (result.ok) running.pending.resolve(result.output);
    else running.pending.reject(fromWorkerError(result.error));
    if (!this.#closed) this.#idle.push(worker);
    this.#dispatch();
  }

  #overrun(worker: Worker): void {
    const running = this.#running.get(worker);
    if (running === undefined) return;
    this.#retire(worker, running);
    running.pending.reject(
      new SluiceError(
        'JOB_LIMIT_EXCEEDED',
        `${this.limits.subject ?? 'the job'} ran longer than ${this.limits.deadlineMs} ms in total and was stopped`,
        {
          hint: 'give fewer inputs, or simplify the expressions (a loop or regular expression that never ends?)',
        },
      ),
    );
  }

  #crashed(worker: Worker, error: Error & { code?: string }): void {
    const running = this.#running.get(worker);
    const idle = this.#idle.indexOf(worker);
    if (idle !== -1) this.#idle.splice(idle, 1);
    if (this.#starting.delete(worker)) {
      // A worker that cannot even start: fail the waiting tasks rather than retry forever.
      for (const pending of this.#queue.splice(0)) pending.reject(error);
      return;
    }
    if (running === undefined) return;
    this.#retire(worker, running);
    running.pending.reject(
      error.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? new SluiceError(
            'JOB_LIMIT_EXCEEDED',
            `${this.limits.subject ?? 'the job'} needed more than ${this.limits.heapMb} MiB of memory and was stopped`,
            {
              hint: 'an expression builds a very large value (e.g. $pad or a string doubled in a loop)',
            },
          )
        : error,
    );
  }

  /** Removes a worker that broke or overran, ends it, and lets the queue move on. */
  #retire(worker: Worker, running: Running): void {
    this.#finish(worker, running);
    worker.removeAllListeners('exit');
    void worker.terminate();
    this.#dispatch();
  }

  #finish(worker: Worker, running: Running): void {
    clearTimeout(running.timer);
    this.#running.delete(worker);
  }
}

function uncloneable(error: unknown): SluiceError {
  const reason = error instanceof Error ? error.message : String(error);
  return new SluiceError(
    'REQUEST_INVALID',
    `the request cannot be handed to an expression worker (${reason}); is it nested too deep?`,
    { cause: error },
  );
}
