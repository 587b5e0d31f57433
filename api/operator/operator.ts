// The operator's process layer: each tick it observes the RDI database (desired state, reset
// generation, backpressure, pipeline revision) and its two children, asks reconcile() what to
// do, carries the actions out and, while it leads, reports the status. Leadership runs on its
// own timer (leadership.ts); losing it kills every child at once.

import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { isSluiceError } from '../../common/errors.ts';
import type { RdiDatabase } from '../../debezium-config/render-properties.ts';
import { BACKPRESSURE_KEY, pipelineControlKey, pipelineKey } from '../../pipeline/redis-keys.ts';
import type { Clock, Logger } from '../../processor/ports.ts';
import { scrapeMetrics } from '../exporter/prometheus-text.ts';
import { readControl, type PipelineControl } from '../store/control-store.ts';
import { collectorProgress } from './collector-progress.ts';
import { freePort } from '../../common/free-port.ts';
import { launchCollector } from './launch-collector.ts';
import { launchProcessor } from './launch-processor.ts';
import { LeaderLease } from './leader-lease.ts';
import { Leadership, type Term } from './leadership.ts';
import {
  isCdc,
  pipelinePhase,
  snapshotReport,
  CRASH_LOOP_FAILURES,
  type CollectorProgress,
} from './pipeline-phase.ts';
import { preparePipeline, type PreparedPipeline } from './pipeline-workspace.ts';
import { reconcile, type Action, type ReconcilePolicy } from './reconcile.ts';
import { resetPipeline } from './reset-pipeline.ts';
import { readResetDone, recordResetDone, writeStatus, type StatusError } from './status-report.ts';
import { SupervisedChild } from './supervised-child.ts';
import {
  closeTermUser,
  newTermPassword,
  openTermUser,
  type TermCredentials,
} from './term-credentials.ts';
import { streamsWithOrphanedEntries } from './orphaned-entries.ts';

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
  readonly debeziumDir: string;
  readonly javaPath: string;
  readonly debeziumHeap: string;
  /** Fixed port of Debezium's JMX metrics; a free one per start when absent. */
  readonly metricsPort: number | undefined;
  readonly policy: ReconcilePolicy;
  /** A child run at least this long resets its failure count. */
  readonly stableRunMs: number;
  /** Polite stop of a child before SIGKILL. */
  readonly stopGraceMs: number;
  /** A backpressure flag not refreshed for this long is stale (its processor died). */
  readonly backpressureStaleMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** idle → running → stopping → stopped. */
export type OperatorState = 'idle' | 'running' | 'stopping' | 'stopped';

const PREPARE_RETRY_MS = 5_000;
const ORPHAN_CHECK_MS = 5_000;
const TERM_USER_REFRESH_MS = 5_000;

export class Operator {
  readonly #opts: OperatorOptions;
  readonly #leadership: Leadership;
  readonly #collector: SupervisedChild;
  readonly #processor: SupervisedChild;
  readonly #abort = new AbortController();
  #state: OperatorState = 'idle';
  #loop: Promise<void> | undefined;
  #prepared: PreparedPipeline | undefined;
  #configError: StatusError | undefined;
  #nextPrepareAt = 0;
  #processorEpoch = 0;
  #pausedSince: number | undefined;
  #progress: CollectorProgress | undefined;
  #reachedCdc = false;
  #metricsUrl: string | undefined;
  #resetting = false;
  #nextOrphanCheckAt = 0;
  #processorConsumer = '';
  #processorStartedAt = 0;
  readonly #termPassword = newTermPassword();
  #termUserEpoch: number | undefined;
  #nextTermUserAt = 0;

  constructor(opts: OperatorOptions) {
    this.#opts = opts;
    const childOpts = { clock: opts.clock, logger: opts.logger, stableRunMs: opts.stableRunMs };
    this.#collector = new SupervisedChild({ ...childOpts, type: 'collector', name: 'collector' });
    this.#processor = new SupervisedChild({ ...childOpts, type: 'processor', name: 'processor' });
    this.#leadership = new Leadership({
      lease: new LeaderLease(opts.rdi, opts.id, opts.leaseMs),
      clock: opts.clock,
      logger: opts.logger,
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
    await attempt('collector', () => this.#collector.stop());
    await attempt('processor', () => this.#processor.stop());
    const termUser = this.#termUserEpoch;
    if (termUser !== undefined && this.#leadership.term?.epoch === termUser) {
      await attempt('term user', () => closeTermUser(this.#opts.rdi, termUser));
    }
    await attempt('lease', () => this.#leadership.stop());
    this.#state = 'stopped';
    return failures;
  }

  #killChildren(): void {
    this.#pausedSince = undefined;
    this.#progress = undefined;
    this.#reachedCdc = false;
    void this.#collector.kill();
    void this.#processor.kill();
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
    if (term === undefined) {
      // Standing by, or past the end of a term not yet declared lost: no child may run.
      if (this.#collector.state !== 'stopped' || this.#processor.state !== 'stopped') {
        this.#killChildren();
      }
      return;
    }
    const { rdi, pipeline: name, clock } = this.#opts;
    const [exists, control, resetDone, backpressure] = await Promise.all([
      rdi.exists(pipelineKey(name)),
      readControl(rdi, name),
      readResetDone(rdi, name),
      this.#backpressureRaised(),
    ]);
    if (exists === 0) {
      // Deleted (or not yet deployed): stop what runs; there is no status to report into.
      await this.#apply(
        reconcile(this.#input(term, control, false, backpressure, false), this.#opts.policy),
        term,
        control,
      );
      return;
    }
    await this.#refreshPipeline();
    const resetPending = control.resetGeneration > resetDone;
    const input = this.#input(term, control, resetPending, backpressure, true);
    await this.#apply(reconcile(input, this.#opts.policy), term, control);
    await this.#observeCollector();
    await this.#restartProcessorForOrphans();
    await this.#refreshTermUser(term);
    if (this.#leadership.term === undefined) return;
    const phase = pipelinePhase({
      desired: control.desired,
      configReady: this.#prepared !== undefined,
      resetPending: control.resetGeneration > (await readResetDone(rdi, name)),
      paused: this.#pausedSince !== undefined,
      collector: this.#collector.view(),
      processor: this.#processor.view(),
      progress: this.#progress,
      reachedCdc: this.#reachedCdc,
    });
    const paused = this.#pausedSince !== undefined;
    await writeStatus(rdi, name, {
      phase,
      components: [this.#collector.report(paused), this.#processor.report()],
      errors: this.#errors(paused),
      snapshot: snapshotReport(this.#progress, this.#reachedCdc),
      operator: this.#opts.id,
      epoch: term.epoch,
      metricsUrl: this.#metricsUrl,
      now: clock.now(),
    });
  }

  #input(
    term: Term,
    control: PipelineControl,
    resetPending: boolean,
    backpressure: boolean,
    exists: boolean,
  ): Parameters<typeof reconcile>[0] {
    const processor = this.#processor.view();
    return {
      now: this.#opts.clock.now(),
      leader: true,
      desired: exists ? control.desired : 'stopped',
      configReady: this.#prepared !== undefined,
      resetPending,
      backpressure,
      pausedSince: this.#pausedSince,
      processorEpochStale:
        (processor.state === 'running' || processor.state === 'starting') &&
        this.#processorEpoch !== term.epoch,
      collector: this.#collector.view(),
      processor,
    };
  }

  async #apply(actions: readonly Action[], term: Term, control: PipelineControl): Promise<void> {
    const { logger, clock } = this.#opts;
    for (const action of actions) {
      switch (action.kind) {
        case 'start':
          this.#start(action.component, term);
          break;
        case 'stop':
          void (action.component === 'collector' ? this.#collector : this.#processor).stop();
          break;
        case 'pause-collector':
          this.#pausedSince = clock.now();
          logger.warn('Backpressure: pausing the collector; changes wait in the source log.');
          void this.#collector.stop();
          break;
        case 'resume-collector':
          if (this.#pausedSince !== undefined) {
            logger.info('Backpressure cleared: resuming the collector.', {
              pausedMs: clock.now() - this.#pausedSince,
            });
          }
          this.#pausedSince = undefined;
          break;
        case 'reset':
          await this.#reset(control.resetGeneration);
          break;
      }
    }
  }

  #start(component: 'collector' | 'processor', term: Term): void {
    const pipeline = this.#prepared;
    if (pipeline === undefined) return;
    const opts = this.#opts;
    if (component === 'processor') {
      this.#processorEpoch = term.epoch;
      // A new name per term: the new processor claims the entries its predecessor left
      // pending and removes that consumer from the group.
      const consumer = `${opts.id}-e${term.epoch}`;
      this.#processorConsumer = consumer;
      this.#processorStartedAt = opts.clock.now();
      this.#nextOrphanCheckAt = opts.clock.now() + opts.leaseMs;
      this.#processor.start(async () =>
        launchProcessor({
          pipeline,
          rdiUrl: this.#childRdiUrl(await this.#termUser(term)),
          consumer,
          epoch: term.epoch,
          stopGraceMs: opts.stopGraceMs,
        }),
      );
      return;
    }
    this.#progress = undefined;
    this.#collector.start(async () => {
      const metricsPort = opts.metricsPort ?? (await freePort());
      this.#metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
      const credentials = await this.#termUser(term);
      return launchCollector({
        pipeline,
        rdiDb:
          credentials === undefined
            ? opts.rdiDb
            : { ...opts.rdiDb, user: credentials.user, password: credentials.password },
        distDir: opts.debeziumDir,
        javaPath: opts.javaPath,
        heap: opts.debeziumHeap,
        metricsPort,
        stopGraceMs: opts.stopGraceMs,
        healthyTimeoutMs: 120_000,
        logger: opts.logger,
      });
    });
  }

  /** This term's RDI database user for the children (earlier terms' users are deleted). */
  async #termUser(term: Term): Promise<TermCredentials | undefined> {
    const credentials = await openTermUser(this.#opts.rdi, term.epoch, this.#termPassword);
    if (credentials === undefined && this.#termUserEpoch !== term.epoch) {
      this.#opts.logger.warn(
        'The operator may not manage ACL users: children use its own login, and a deposed ' +
          "leader's children are fenced only at the target.",
      );
    }
    this.#termUserEpoch = term.epoch;
    return credentials;
  }

  /**
   * ACL users live in the RDI database's memory: after it restarted, the running children
   * could not log in again until the user is re-created.
   */
  async #refreshTermUser(term: Term): Promise<void> {
    const now = this.#opts.clock.now();
    if (now < this.#nextTermUserAt || this.#termUserEpoch !== term.epoch) return;
    this.#nextTermUserAt = now + TERM_USER_REFRESH_MS;
    await this.#termUser(term);
  }

  #childRdiUrl(credentials: TermCredentials | undefined): string {
    if (credentials === undefined) return this.#opts.rdiUrl;
    const url = new URL(this.#opts.rdiUrl);
    url.username = encodeURIComponent(credentials.user);
    url.password = encodeURIComponent(credentials.password);
    return url.toString();
  }

  /** (Re)reads the pipeline when none is prepared, or when its revision changed. */
  async #refreshPipeline(): Promise<void> {
    const { rdi, pipeline: name, clock } = this.#opts;
    const prepared = this.#prepared;
    if (prepared !== undefined) {
      const revision = Number((await rdi.hget(pipelineKey(name), 'revision')) ?? 0);
      if (revision === prepared.revision) return;
      // A new revision: stop both children, then prepare it (the next ticks start them).
      const down = (s: string) => s === 'stopped' || s === 'exited';
      if (!down(this.#collector.state) || !down(this.#processor.state)) {
        this.#opts.logger.info('The pipeline changed: restarting it.', { revision });
        void this.#collector.stop();
        void this.#processor.stop();
        return;
      }
      this.#prepared = undefined;
    }
    if (clock.now() < this.#nextPrepareAt) return;
    try {
      this.#prepared = await preparePipeline({
        rdi,
        name,
        parentDir: this.#opts.workDir,
      });
      this.#configError = undefined;
    } catch (error) {
      this.#nextPrepareAt = clock.now() + PREPARE_RETRY_MS;
      this.#configError = {
        code: isSluiceError(error) ? error.code : 'OPERATOR_PREPARE_FAILED',
        message: error instanceof Error ? error.message : String(error),
        remediation: 'fix config.yaml or the secrets it refers to, then deploy again',
      };
    }
  }

  async #reset(generation: number): Promise<void> {
    const { rdi, pipeline: name, logger } = this.#opts;
    const pipeline = this.#prepared;
    if (pipeline === undefined || this.#resetting) return;
    this.#resetting = true;
    const targetConnection = pipeline.config.targets.target?.connection;
    const target = new Redis({
      host: targetConnection?.host ?? '127.0.0.1',
      port: targetConnection?.port ?? 6379,
      ...(targetConnection?.user === undefined ? {} : { username: targetConnection.user }),
      ...(targetConnection?.password === undefined ? {} : { password: targetConnection.password }),
      lazyConnect: true,
      maxRetriesPerRequest: 1,
    });
    target.on('error', () => undefined);
    try {
      await target.connect();
      const dropTargetKeys =
        (await rdi.hget(pipelineControlKey(name), 'reset_target_keys')) === 'true';
      await resetPipeline({ rdi, target, pipeline, dropTargetKeys, logger });
      await recordResetDone(rdi, name, generation);
      this.#reachedCdc = false;
      this.#progress = undefined;
    } finally {
      this.#resetting = false;
      await target.quit().catch(() => undefined);
    }
  }

  async #observeCollector(): Promise<void> {
    if (this.#collector.state !== 'running' || this.#metricsUrl === undefined) {
      if (this.#collector.state !== 'running') this.#progress = undefined;
      return;
    }
    const samples = await scrapeMetrics(this.#metricsUrl);
    if (samples === undefined) return;
    this.#progress = collectorProgress(samples);
    if (isCdc(this.#progress)) this.#reachedCdc = true;
  }

  /**
   * A fenced processor of an earlier term may have read entries after its successor started;
   * they stay pending under its name until the current processor claims them at its start.
   */
  async #restartProcessorForOrphans(): Promise<void> {
    const { clock, rdi, leaseMs, logger } = this.#opts;
    const pipeline = this.#prepared;
    if (pipeline === undefined || this.#processor.state !== 'running') return;
    if (clock.now() < this.#nextOrphanCheckAt) return;
    this.#nextOrphanCheckAt = clock.now() + ORPHAN_CHECK_MS;
    const streams = await streamsWithOrphanedEntries(
      rdi,
      pipeline.source.name,
      this.#processorConsumer,
      { minMs: leaseMs, maxMs: clock.now() - this.#processorStartedAt },
    );
    if (streams.length === 0) return;
    logger.warn('Entries are pending under an earlier processor: restarting ours to claim them.', {
      streams,
    });
    await this.#processor.stop();
  }

  async #backpressureRaised(): Promise<boolean> {
    const fields = await this.#opts.rdi.hgetall(BACKPRESSURE_KEY);
    if (Object.keys(fields).length === 0) return false;
    // Only a running processor keeps the flag fresh; one left by a dead processor is stale.
    if (this.#processor.state !== 'running') return false;
    const updatedAt = Number(fields.updated_at ?? Number.NaN);
    if (Number.isNaN(updatedAt)) return true;
    return this.#opts.clock.now() - updatedAt <= this.#opts.backpressureStaleMs;
  }

  #errors(paused: boolean): StatusError[] {
    const errors: StatusError[] = [];
    if (this.#configError !== undefined) errors.push(this.#configError);
    for (const child of [this.#collector, this.#processor]) {
      const report = child.report();
      if (child.view().failures >= CRASH_LOOP_FAILURES) {
        errors.push({
          code: `${child.type.toUpperCase()}_CRASH_LOOP`,
          message: `The ${child.type} failed ${child.view().failures} times in a row: ${report.message ?? 'no detail'}`,
          remediation: `read the ${child.type} log in the operator's working folder`,
        });
      }
    }
    if (paused) {
      errors.push({
        code: 'BACKPRESSURE',
        message: 'Capture is paused while the processor catches up.',
        remediation: 'nothing to do unless it lasts; check the target and the processor',
      });
    }
    return errors;
  }
}
