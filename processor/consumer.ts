// The processor's consume loop, assembled: the change streams of the RDI database
// (stream-source.ts), the backpressure monitor and the targets, driven by the runner
// (consume-runner.ts) whose state between steps is plain data (consume-state.ts).

import type { Redis } from 'ioredis';
import type { BackpressureThresholds } from './core/backpressure.ts';
import { BackpressureMonitor } from './backpressure-monitor.ts';
import type { ProcessorState, RunnerSettings, Timer } from './consume-runner.ts';
import { ConsumeRunner, systemTimer } from './consume-runner.ts';
import type { Clock, Logger } from './ports.ts';
import type { AsyncJob } from './core/process-entries.ts';
import { shardBackpressure } from './core/shard-backpressure.ts';
import { listChangeStreams } from './stream-discovery.ts';
import { WHOLE, type StreamShard } from './core/stream-shard.ts';
import { StreamSource } from './stream-source.ts';
import { TargetSet } from './target-set.ts';
import type { TargetWriter } from './target-writer.ts';

export type { ProcessorState } from './consume-runner.ts';

export interface ProcessorSettings extends RunnerSettings {
  readonly readBatchSize: number;
  /** Most bytes one read may hold (read-budget.ts); bounds memory with large entries. */
  readonly readBatchBytes: number;
  readonly readBlockMs: number;
  readonly backpressure: BackpressureThresholds;
  /** Only the change streams this instance owns when several run (stream-shard.ts); default all. */
  readonly shard?: StreamShard;
}

export interface ProcessorDeps {
  /** RDI database connection for acks, DLQ and statistics. */
  readonly rdi: Redis;
  /** A second RDI database connection used only for blocking reads. */
  readonly reader: Redis;
  /**
   * Every target the pipeline writes to (`target` and the connections jobs name). A batch is
   * acknowledged only when each of them holds it.
   */
  readonly targets: readonly TargetWriter[];
  /** The pipeline's jobs (or the default job): event → write plan, maybe asynchronously. */
  readonly job: AsyncJob;
  readonly clock: Clock;
  /** Stage timings and waits; by default performance.now() and timers. */
  readonly timer?: Timer;
  readonly logger: Logger;
  readonly settings: ProcessorSettings;
}

export class Processor {
  readonly #runner: ConsumeRunner;

  constructor(deps: ProcessorDeps) {
    const { settings, rdi, clock, logger } = deps;
    this.#runner = new ConsumeRunner({
      source: new StreamSource({
        rdi,
        reader: deps.reader,
        consumerName: settings.consumerName,
        readBatchSize: settings.readBatchSize,
        readBatchBytes: settings.readBatchBytes,
        readBlockMs: settings.readBlockMs,
        ...(settings.shard === undefined ? {} : { shard: settings.shard }),
      }),
      targets: new TargetSet(deps.targets),
      // With several instances, instance 1 alone publishes the flag (shard-backpressure.ts).
      backpressure: shardBackpressure({
        shard: settings.shard ?? WHOLE,
        monitor: new BackpressureMonitor({
          rdi,
          clock,
          logger,
          thresholds: settings.backpressure,
          intervalMs: settings.backpressureCheckIntervalMs,
        }),
        listAllStreams: () => listChangeStreams(rdi),
        clock,
        refreshMs: settings.streamsCheckIntervalMs,
      }),
      job: deps.job,
      clock,
      timer: deps.timer ?? systemTimer,
      logger,
      settings,
      memoryUsage: () => process.memoryUsage(),
    });
  }

  get state(): ProcessorState {
    return this.#runner.state;
  }

  get failure(): unknown {
    return this.#runner.failure;
  }

  /** Starts the loop; the returned promise settles when the loop ends. Idempotent. */
  start(): Promise<void> {
    return this.#runner.start();
  }

  /** Finishes the batch in flight, then stops. Idempotent. */
  stop(): Promise<void> {
    return this.#runner.stop();
  }
}
