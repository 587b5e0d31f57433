// The operator's process layer: each tick it observes the RDI database (desired state, reset
// generation, backpressure, pipeline revision) and its two children, asks reconcile() what to
// do, carries the actions out and, while it leads, reports the status. Leadership runs on its
// own timer (leadership.ts); losing it kills every child at once.

import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { RdiDatabase } from '../../debezium-config/render-properties.ts';
import { pipelineKey } from '../../pipeline/redis-keys.ts';
import type { Clock, Logger } from '../../processor/ports.ts';
import { readControl, type PipelineControl } from '../store/control-store.ts';
import { AddedTableSnapshots } from './added-table-snapshots.ts';
import { BackpressurePause } from './backpressure-pause.ts';
import { CaptureProgress } from './capture-progress.ts';
import type { ComponentRuntime } from './component-runtime.ts';
import { LeaderLease } from './leader-lease.ts';
import { Leadership, type Term } from './leadership.ts';
import { pipelinePhase, snapshotReport } from './pipeline-phase.ts';
import { PipelineChildren } from './pipeline-children.ts';
import { PipelineLoader } from './pipeline-loader.ts';
import { reconcile, type Action, type ReconcileInput, type ReconcilePolicy } from './reconcile.ts';
import { resetGeneration } from './reset-generation.ts';
import { MaxMemoryCheck } from './maxmemory-check.ts';
import { SinkMemoryWatch } from './sink-memory-watch.ts';
import { statusErrors } from './status-errors.ts';
import { readResetDone, writeStatus } from './status-report.ts';
import { TermUsers } from './term-credentials.ts';

export interface OperatorOptions {
  readonly rdi: Redis;
  /** `redis://…` of the RDI database, handed to the processor. */
  readonly rdiUrl: string;
  readonly rdiDb: RdiDatabase;
  /** This operator's name in the lease (unique per instance). */
  readonly id: string;
  readonly pipeline: string;
  readonly leaseMs: number;
  readonly tickMs: number;
  /** Parent of the pipeline's private working folders. */
  readonly workDir: string;
  /** Where the collector and processor run: local processes or Kubernetes workloads. */
  readonly runtime: ComponentRuntime;
  readonly policy: ReconcilePolicy;
  /** A child run at least this long resets its failure count. */
  readonly stableRunMs: number;
  /** A backpressure flag not refreshed for this long is stale (its processor died). */
  readonly backpressureStaleMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** idle → running → stopping → stopped. */
export type OperatorState = 'idle' | 'running' | 'stopping' | 'stopped';

export class Operator {
  readonly #opts: OperatorOptions;
  readonly #leadership: Leadership;
  readonly #termUsers: TermUsers;
  readonly #children: PipelineChildren;
  readonly #loader: PipelineLoader;
  readonly #pause: BackpressurePause;
  readonly #capture = new CaptureProgress();
  readonly #addedTables: AddedTableSnapshots;
  readonly #sinkMemory: SinkMemoryWatch;
  readonly #maxMemory: MaxMemoryCheck;
  readonly #abort = new AbortController();
  /** The runtime's leftovers of a deleted pipeline are gone (until it is deployed again). */
  #deletedRemoved = false;
  #state: OperatorState = 'idle';
  #loop: Promise<void> | undefined;

  constructor(opts: OperatorOptions) {
    this.#opts = opts;
    const { rdi, clock, logger } = opts;
    this.#termUsers = new TermUsers({ rdi, clock, logger });
    this.#children = new PipelineChildren(
      { ...opts, backoff: opts.policy.backoff },
      this.#termUsers,
    );
    this.#loader = new PipelineLoader({
      rdi,
      name: opts.pipeline,
      workDir: opts.workDir,
      clock,
      logger,
    });
    this.#sinkMemory = new SinkMemoryWatch({ rdi, clock, logger });
    this.#addedTables = new AddedTableSnapshots({ rdi, name: opts.pipeline, clock, logger });
    this.#maxMemory = new MaxMemoryCheck({ rdi, clock, logger });
    this.#pause = new BackpressurePause({ rdi, clock, logger, staleMs: opts.backpressureStaleMs });
    this.#leadership = new Leadership({
      lease: new LeaderLease(rdi, opts.id, opts.leaseMs),
      clock,
      logger,
      leaseMs: opts.leaseMs,
      onGained: () => undefined,
      onLost: () => {
        this.#killChildren();
      },
    });
  }

  get state(): OperatorState {
    return this.#state;
  }

  /** Starts leadership and the reconcile loop; resolves when the loop ends. Idempotent. */
  start(): Promise<void> {
    if (this.#loop !== undefined) return this.#loop;
    this.#state = 'running';
    this.#leadership.start();
    this.#loop = this.#run();
    return this.#loop;
  }

  /**
   * Stops the children gracefully, then releases the lease (a standby takes over at once).
   * Every step runs even if an earlier one failed; the failures are returned.
   */
  async stop(): Promise<string[]> {
    if (this.#state === 'stopped' || this.#state === 'stopping') return [];
    this.#state = 'stopping';
    this.#abort.abort();
    const failures: string[] = [];
    const attempt = async (what: string, step: () => Promise<unknown>): Promise<void> => {
      try {
        await step();
      } catch (error) {
        failures.push(`${what}: ${String(error)}`);
      }
    };
    await attempt('reconcile loop', async () => this.#loop);
    await attempt('collector', () => this.#children.collector.stop());
    await attempt('processor', () => this.#children.processor.stop());
    await attempt('working folder', () => this.#loader.release());
    const leading = this.#leadership.term?.epoch;
    await attempt('term user', () => this.#termUsers.close(leading));
    await attempt('lease', () => this.#leadership.stop());
    this.#state = 'stopped';
    return failures;
  }

  #killChildren(): void {
    this.#pause.forget();
    this.#capture.forget();
    this.#addedTables.forget();
    this.#sinkMemory.forget();
    this.#children.kill();
  }

  async #run(): Promise<void> {
    while (this.#state === 'running') {
      try {
        await this.#tick();
      } catch (error) {
        this.#opts.logger.warn('Reconcile step failed; will retry.', { error: String(error) });
      }
      await sleep(this.#opts.tickMs, undefined, { signal: this.#abort.signal }).catch(
        () => undefined,
      );
    }
  }

  async #tick(): Promise<void> {
    const term = this.#leadership.term;
    const children = this.#children;
    if (term === undefined) {
      // Standing by, or past the end of a term not yet declared lost: no child may run.
      if (children.collector.state !== 'stopped' || children.processor.state !== 'stopped') {
        this.#killChildren();
      }
      return;
    }
    const { rdi, pipeline: name, clock } = this.#opts;
    const [exists, control, resetDone, backpressure] = await Promise.all([
      rdi.exists(pipelineKey(name)),
      readControl(rdi, name),
      readResetDone(rdi, name),
      this.#pause.flagRaised(children.processor.state === 'running'),
    ]);
    if (exists === 0) {
      // Deleted (or not yet deployed): stop what runs; there is no status to report into.
      const input = this.#input(term, control, false, backpressure, false);
      await this.#apply(reconcile(input, this.#opts.policy), term, control);
      if (children.down && !this.#deletedRemoved) {
        await this.#opts.runtime.removePipeline(name);
        this.#deletedRemoved = true;
      }
      return;
    }
    this.#deletedRemoved = false;
    await this.#loader.refresh(children);
    const resetPending = control.resetGeneration > resetDone;
    const input = this.#input(term, control, resetPending, backpressure, true);
    await this.#apply(reconcile(input, this.#opts.policy), term, control);
    await this.#capture.observe(children.collector.state === 'running', children.metricsUrl);
    await this.#addedTables.observe(this.#capture.progress);
    const pipeline = this.#loader.prepared;
    if (pipeline !== undefined) await children.restartProcessorForOrphans(pipeline);
    await this.#maxMemory.observe(pipeline);
    await this.#sinkMemory.observe({
      collectorRunning: children.collector.state === 'running',
      pipeline,
      // The local runtime's collector log (launch-collector.ts); Kubernetes: the rule alone.
      logFile:
        this.#opts.runtime.kind === 'local' && pipeline !== undefined
          ? join(pipeline.dir, 'debezium', 'debezium.log')
          : undefined,
    });
    await this.#termUsers.refresh(term.epoch);
    if (this.#leadership.term === undefined) return;
    const paused = this.#pause.paused;
    const phase = pipelinePhase({
      desired: control.desired,
      configReady: pipeline !== undefined,
      resetPending: control.resetGeneration > (await readResetDone(rdi, name)),
      paused,
      collector: children.collector.view(),
      processor: children.processor.view(),
      progress: this.#capture.progress,
      reachedCdc: this.#capture.reachedCdc,
    });
    await writeStatus(rdi, name, {
      phase,
      components: [children.collector.report(paused), ...children.processorReports()],
      errors: statusErrors({
        configError: this.#loader.error,
        children: [children.collector, children.processor].map((child) => ({
          type: child.type,
          failures: child.view().failures,
          message: child.report().message,
        })),
        paused,
        others: [this.#maxMemory.warning, this.#sinkMemory.error],
      }),
      snapshot: snapshotReport(this.#capture.progress, this.#capture.reachedCdc),
      operator: this.#opts.id,
      epoch: term.epoch,
      metricsUrl: children.metricsUrl,
      now: clock.now(),
    });
  }

  #input(
    term: Term,
    control: PipelineControl,
    resetPending: boolean,
    backpressure: boolean,
    exists: boolean,
  ): ReconcileInput {
    const children = this.#children;
    return {
      now: this.#opts.clock.now(),
      leader: true,
      desired: exists ? control.desired : 'stopped',
      configReady: this.#loader.prepared !== undefined,
      resetPending,
      backpressure,
      pausedSince: this.#pause.pausedSince,
      processorEpochStale: children.processorEpochStale(term),
      collector: children.collector.view(),
      processor: children.processor.view(),
    };
  }

  async #apply(actions: readonly Action[], term: Term, control: PipelineControl): Promise<void> {
    const children = this.#children;
    for (const action of actions) {
      switch (action.kind) {
        case 'start':
          await this.#start(action.component, term);
          break;
        case 'stop':
          void children[action.component].stop();
          break;
        case 'pause-collector':
          this.#pause.pause(children.collector);
          break;
        case 'resume-collector':
          this.#pause.resume();
          break;
        case 'reset':
          await this.#reset(control);
          break;
      }
    }
  }

  async #start(component: 'collector' | 'processor', term: Term): Promise<void> {
    const pipeline = this.#loader.prepared;
    if (pipeline === undefined) return;
    if (component === 'processor') {
      this.#children.startProcessor(pipeline, term);
      return;
    }
    this.#capture.collectorStarting();
    // Tables added to `tables:` get their snapshot signal before Debezium starts.
    await this.#addedTables.beforeCollectorStart(pipeline, this.#opts.runtime.kind === 'local');
    this.#children.startCollector(pipeline, term);
  }

  async #reset(control: PipelineControl): Promise<void> {
    // Awaited inside the tick, and ticks run one after another: never two resets at once.
    const pipeline = this.#loader.prepared;
    if (pipeline === undefined) return;
    const { rdi, pipeline: name, logger } = this.#opts;
    await resetGeneration({
      rdi,
      name,
      pipeline,
      generation: control.resetGeneration,
      dropTargetKeys: control.resetTargetKeys,
      logger,
    });
    this.#capture.forget();
  }
}
