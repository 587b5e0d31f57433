// The local-process runtime (VMs, compose): Debezium Server and the processor as child
// processes of the operator, on free local ports, in the pipeline's private working folder.

import { freePort } from '../../common/free-port.ts';
import type { Logger } from '../../processor/ports.ts';
import type { CollectorStart, ComponentRuntime, ProcessorStart } from './component-runtime.ts';
import { launchCollector } from './launch-collector.ts';
import { launchProcessor } from './launch-processor.ts';
import type { ChildHandle } from './supervised-child.ts';

export interface LocalRuntimeOptions {
  readonly debeziumDir: string;
  readonly javaPath: string;
  readonly debeziumHeap: string;
  /** Fixed port of Debezium's JMX metrics; a free one per start when absent. */
  readonly metricsPort: number | undefined;
  readonly stopGraceMs: number;
  readonly collectorHealthyTimeoutMs: number;
  readonly logger: Logger;
}

export class LocalRuntime implements ComponentRuntime {
  readonly kind = 'local';
  readonly #opts: LocalRuntimeOptions;
  #metricsUrl: string | undefined;

  constructor(opts: LocalRuntimeOptions) {
    this.#opts = opts;
  }

  get collectorMetricsUrl(): string | undefined {
    return this.#metricsUrl;
  }

  async launchCollector(start: CollectorStart): Promise<ChildHandle> {
    const opts = this.#opts;
    const metricsPort = opts.metricsPort ?? (await freePort());
    this.#metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    return launchCollector({
      pipeline: start.pipeline,
      rdiDb: start.rdiDb,
      distDir: opts.debeziumDir,
      javaPath: opts.javaPath,
      heap: opts.debeziumHeap,
      metricsPort,
      stopGraceMs: opts.stopGraceMs,
      healthyTimeoutMs: opts.collectorHealthyTimeoutMs,
      logger: opts.logger,
    });
  }

  launchProcessor(start: ProcessorStart): Promise<ChildHandle> {
    return launchProcessor({ ...start, stopGraceMs: this.#opts.stopGraceMs });
  }

  /** The working folders are the loader's; nothing else outlives the children. */
  removePipeline(): Promise<void> {
    return Promise.resolve();
  }
}
