// One supervised child process of the operator (collector or processor): starts it through a
// launcher, follows it to `running` once it is ready, notices when it exits on its own, and
// stops or kills it on request. It never restarts by itself: reconcile() decides when, after
// the backoff that this class logs with each failure.

import type { ChildExit } from '../../debezium-config/launch-child-process.ts';
import { describeExit } from '../../debezium-config/launch-child-process.ts';
import type { Clock, Logger } from '../../processor/ports.ts';
import type { ChildState, ChildView, ComponentName } from './reconcile.ts';
import { restartDelayMs, type BackoffPolicy } from './restart-backoff.ts';

/** A started process, as a launcher returns it. */
export interface ChildHandle {
  readonly pid: number | undefined;
  /** Resolves when the process has exited; never rejects. */
  readonly exited: Promise<ChildExit>;
  /** Resolves when it is ready (e.g. Debezium's health is UP); rejects when it never will be. */
  readonly ready: Promise<void>;
  /** Polite signal, SIGKILL after the grace period; idempotent. */
  stop(): Promise<ChildExit>;
  kill(): Promise<ChildExit>;
}

export type Launcher = () => Promise<ChildHandle>;

/** One entry of the status hash's `components` list (the api's Component schema). */
export interface ComponentReport {
  readonly name: string;
  readonly type: ComponentName;
  readonly state: ChildState | 'paused';
  /** Starts after it had ended on its own (a pause, stop or deploy is not counted). */
  readonly restarts: number;
  readonly message?: string;
  readonly pid?: number;
}

export class SupervisedChild {
  readonly type: ComponentName;
  readonly #name: string;
  readonly #clock: Clock;
  readonly #logger: Logger;
  /** A run at least this long resets the consecutive-failure count. */
  readonly #stableRunMs: number;
  readonly #backoff: BackoffPolicy;
  #state: ChildState = 'stopped';
  #failures = 0;
  #exitedAt: number | undefined;
  #restarts = 0;
  #startedAt = 0;
  #message: string | undefined;
  #handle: ChildHandle | undefined;
  #launching: Promise<ChildHandle | undefined> | undefined;
  #stopping: Promise<void> | undefined;

  constructor(opts: {
    type: ComponentName;
    name: string;
    clock: Clock;
    logger: Logger;
    stableRunMs: number;
    backoff: BackoffPolicy;
  }) {
    this.type = opts.type;
    this.#name = opts.name;
    this.#clock = opts.clock;
    this.#logger = opts.logger;
    this.#stableRunMs = opts.stableRunMs;
    this.#backoff = opts.backoff;
  }

  get state(): ChildState {
    return this.#state;
  }

  view(): ChildView {
    return { state: this.#state, failures: this.#failures, exitedAt: this.#exitedAt };
  }

  report(paused = false): ComponentReport {
    const pid = this.#handle?.pid;
    return {
      name: this.#name,
      type: this.type,
      state: paused && this.#state !== 'running' ? 'paused' : this.#state,
      restarts: this.#restarts,
      ...(this.#message === undefined ? {} : { message: this.#message }),
      ...(pid === undefined ? {} : { pid }),
    };
  }

  /** Starts the child unless it is already up; the outcome shows in `state`. */
  start(launch: Launcher): void {
    if (this.#state !== 'stopped' && this.#state !== 'exited') return;
    if (this.#state === 'exited') this.#restarts += 1;
    this.#state = 'starting';
    this.#startedAt = this.#clock.now();
    this.#message = undefined;
    this.#stopping = undefined;
    const launching = launch().then(
      (handle) => {
        this.#adopt(handle);
        return handle;
      },
      (error: unknown) => {
        this.#ended(`could not start: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      },
    );
    this.#launching = launching;
  }

  #adopt(handle: ChildHandle): void {
    this.#handle = handle;
    this.#logger.info(`${this.#name} started.`, { pid: handle.pid });
    void handle.exited.then((exit) => {
      if (this.#handle !== handle) return;
      this.#handle = undefined;
      if (this.#state !== 'stopping') this.#ended(`exited with ${describeExit(exit)}`);
    });
    handle.ready.then(
      () => {
        if (this.#handle === handle && this.#state === 'starting') this.#state = 'running';
      },
      (error: unknown) => {
        if (this.#handle !== handle || this.#state !== 'starting') return;
        this.#message = error instanceof Error ? error.message.slice(0, 2_000) : String(error);
        // Not ready in time: kill it; its exit counts as a failure.
        void handle.kill();
      },
    );
  }

  /** Ended on its own (or could not start): a failure, restarted after the backoff. */
  #ended(reason: string): void {
    const now = this.#clock.now();
    this.#failures = now - this.#startedAt >= this.#stableRunMs ? 1 : this.#failures + 1;
    this.#exitedAt = now;
    this.#state = 'exited';
    this.#message ??= reason;
    this.#logger.warn(`${this.#name} ${reason}.`, {
      failures: this.#failures,
      restartInMs: restartDelayMs(this.#failures, this.#backoff),
    });
  }

  /** Polite stop (the launcher's grace period, then SIGKILL). Idempotent. */
  stop(): Promise<void> {
    return this.#end(false);
  }

  /** SIGKILL now, e.g. when leadership is lost. Idempotent. */
  kill(): Promise<void> {
    return this.#end(true);
  }

  #end(kill: boolean): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'exited') {
      this.#state = 'stopped';
      this.#failures = 0;
      return Promise.resolve();
    }
    const stopping = this.#stopping;
    if (stopping !== undefined && !kill) return stopping;
    this.#state = 'stopping';
    const done = (async () => {
      const handle = this.#handle ?? (await this.#launching);
      if (handle !== undefined) await (kill ? handle.kill() : handle.stop());
      this.#handle = undefined;
      this.#state = 'stopped';
      this.#failures = 0;
      this.#message = undefined;
      this.#logger.info(`${this.#name} ${kill ? 'killed' : 'stopped'}.`);
    })();
    this.#stopping = done;
    return done;
  }
}
