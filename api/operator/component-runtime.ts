// Where the pipeline's collector and processor run: child processes of the operator (VMs,
// compose: local-runtime.ts) or Kubernetes workloads (kubernetes-runtime.ts). Supervision,
// restart backoff, the backpressure pause, reconcile and the status are the same for both;
// a runtime only starts a component, follows it and ends it, through a ChildHandle.

import type { RdiDatabase } from '../../debezium-config/render-properties.ts';
import type { StreamShard } from '../../processor/core/stream-shard.ts';
import type { PreparedPipeline } from './pipeline-workspace.ts';
import type { ChildHandle } from './supervised-child.ts';

export interface CollectorStart {
  readonly pipeline: PreparedPipeline;
  /** The RDI database, with the credentials of the current term. */
  readonly rdiDb: RdiDatabase;
}

export interface ProcessorStart {
  readonly pipeline: PreparedPipeline;
  /** `redis://…` of the RDI database with the credentials of the current term. */
  readonly rdiUrl: string;
  readonly consumer: string;
  readonly epoch: number;
  /** The streams this process owns when the pipeline runs several (processor-group.ts). */
  readonly shard: StreamShard;
}

export interface ComponentRuntime {
  readonly kind: 'local' | 'kubernetes';
  launchCollector(start: CollectorStart): Promise<ChildHandle>;
  launchProcessor(start: ProcessorStart): Promise<ChildHandle>;
  /** Prometheus URL of the latest collector's Debezium metrics; undefined before a launch. */
  readonly collectorMetricsUrl: string | undefined;
  /**
   * Removes whatever the runtime keeps for a deleted pipeline once both components are down
   * (Kubernetes: its workloads, ConfigMaps, Secrets and Service). Idempotent.
   */
  removePipeline(name: string): Promise<void>;
}
