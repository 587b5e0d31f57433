// The pipeline's two supervised children and how they are launched for a term, through the
// runtime (local processes or Kubernetes workloads): the processor with the term's epoch and a
// consumer name of its own, the collector with the term's RDI database user. Also restarts the processor when entries are stranded
// under an earlier term's consumer (it claims them when it starts). The processor may be several
// processes on disjoint streams (`processors.instances`, processor-group.ts), supervised as one.

import type { Redis } from 'ioredis';
import type { RdiDatabase } from '../../debezium-config/render-properties.ts';
import type { Clock, Logger } from '../../processor/ports.ts';
import type { ComponentRuntime } from './component-runtime.ts';
import type { Term } from './leadership.ts';
import { streamsWithOrphanedEntries } from './orphaned-entries.ts';
import type { PreparedPipeline } from './pipeline-workspace.ts';
import {
  launchProcessorGroup,
  processorInstances,
  type ProcessorGroupHandle,
} from './processor-group.ts';
import type { BackoffPolicy } from './restart-backoff.ts';
import { SupervisedChild, type ComponentReport } from './supervised-child.ts';
import { urlWithCredentials, type TermUsers } from './term-credentials.ts';

export interface ChildrenOptions {
  readonly rdi: Redis;
  /** `redis://…` of the RDI database, handed to the processor. */
  readonly rdiUrl: string;
  readonly rdiDb: RdiDatabase;
  /** The operator's name; the processor's consumer is `<id>-e<epoch>`. */
  readonly id: string;
  readonly leaseMs: number;
  readonly runtime: ComponentRuntime;
  readonly backoff: BackoffPolicy;
  readonly stableRunMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
}

const ORPHAN_CHECK_MS = 5_000;

export class PipelineChildren {
  readonly collector: SupervisedChild;
  readonly processor: SupervisedChild;
  readonly #opts: ChildrenOptions;
  readonly #termUsers: TermUsers;
  #processorEpoch = 0;
  #processorConsumers: readonly string[] = [];
  #processorGroup: ProcessorGroupHandle | undefined;
  #processorStartedAt = 0;
  #nextOrphanCheckAt = 0;

  constructor(opts: ChildrenOptions, termUsers: TermUsers) {
    this.#opts = opts;
    this.#termUsers = termUsers;
    const child = {
      clock: opts.clock,
      logger: opts.logger,
      stableRunMs: opts.stableRunMs,
      backoff: opts.backoff,
    };
    this.collector = new SupervisedChild({ ...child, type: 'collector', name: 'collector' });
    this.processor = new SupervisedChild({ ...child, type: 'processor', name: 'processor' });
  }

  /** Prometheus URL of the latest collector's JMX metrics. */
  get metricsUrl(): string | undefined {
    return this.#opts.runtime.collectorMetricsUrl;
  }

  /** Both are stopped or have exited. */
  get down(): boolean {
    const down = (child: SupervisedChild): boolean =>
      child.state === 'stopped' || child.state === 'exited';
    return down(this.collector) && down(this.processor);
  }

  /** The processor is up with the epoch of an earlier term. */
  processorEpochStale(term: Term): boolean {
    const state = this.processor.state;
    return (state === 'running' || state === 'starting') && this.#processorEpoch !== term.epoch;
  }

  startProcessor(pipeline: PreparedPipeline, term: Term): void {
    const opts = this.#opts;
    this.#processorEpoch = term.epoch;
    // A new name per term: the new processor claims the entries its predecessor left
    // pending and removes that consumer from the group.
    const instances = processorInstances(opts.id, term.epoch, this.#instanceCount(pipeline));
    this.#processorConsumers = instances.map((instance) => instance.consumer);
    this.#processorStartedAt = opts.clock.now();
    this.#nextOrphanCheckAt = opts.clock.now() + opts.leaseMs;
    this.#processorGroup = undefined;
    this.processor.start(async () => {
      const rdiUrl = urlWithCredentials(opts.rdiUrl, await this.#termUsers.open(term.epoch));
      const group = await launchProcessorGroup(instances, (instance) =>
        opts.runtime.launchProcessor({ pipeline, rdiUrl, epoch: term.epoch, ...instance }),
      );
      this.#processorGroup = group;
      return group;
    });
  }

  #instanceCount(pipeline: PreparedPipeline): number {
    const wanted = pipeline.config.processors.instances;
    if (wanted === 1 || this.#opts.runtime.kind === 'local') return wanted;
    this.#opts.logger.warn(
      'processors.instances is above 1, but the Kubernetes runtime runs one processor.',
      { instances: wanted },
    );
    return 1;
  }

  /** The processor's status entry, or one per instance (`processor-<i>`, its own pid). */
  processorReports(): ComponentReport[] {
    const report = this.processor.report();
    const pids = this.#processorGroup?.pids;
    if (this.#processorConsumers.length <= 1) return [report];
    return this.#processorConsumers.map((_, i) => {
      // Each instance's own pid while the group runs (the group's own is the first one's).
      const pid = report.pid === undefined ? undefined : pids?.[i];
      return {
        name: `processor-${i + 1}`,
        type: report.type,
        state: report.state,
        restarts: report.restarts,
        ...(report.message === undefined ? {} : { message: report.message }),
        ...(pid === undefined ? {} : { pid }),
      };
    });
  }

  startCollector(pipeline: PreparedPipeline, term: Term): void {
    const opts = this.#opts;
    this.collector.start(async () => {
      const credentials = await this.#termUsers.open(term.epoch);
      return opts.runtime.launchCollector({
        pipeline,
        rdiDb:
          credentials === undefined
            ? opts.rdiDb
            : { ...opts.rdiDb, user: credentials.user, password: credentials.password },
      });
    });
  }

  /** Polite stop of both (e.g. a new revision of the pipeline). */
  stop(): void {
    void this.collector.stop();
    void this.processor.stop();
  }

  /** SIGKILL to both at once (the leadership is lost). */
  kill(): void {
    void this.collector.kill();
    void this.processor.kill();
  }

  /**
   * A fenced processor of an earlier term may have read entries after its successor started;
   * they stay pending under its name until the current processor claims them at its start.
   */
  async restartProcessorForOrphans(pipeline: PreparedPipeline): Promise<void> {
    const { clock, rdi, leaseMs, logger } = this.#opts;
    if (this.processor.state !== 'running') return;
    if (clock.now() < this.#nextOrphanCheckAt) return;
    this.#nextOrphanCheckAt = clock.now() + ORPHAN_CHECK_MS;
    const streams = await streamsWithOrphanedEntries(
      rdi,
      pipeline.source.name,
      this.#processorConsumers,
      { minMs: leaseMs, maxMs: clock.now() - this.#processorStartedAt },
    );
    if (streams.length === 0) return;
    logger.warn('Entries are pending under an earlier processor: restarting ours to claim them.', {
      streams,
    });
    await this.processor.stop();
  }
}
