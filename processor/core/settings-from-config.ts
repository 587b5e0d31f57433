// Maps the `processors` section of config.yaml (RDI names and defaults) to the consume
// loop's settings. Pure.

import type { ProcessorsConfig } from '../../pipeline/load-config.ts';
import { DEFAULT_BACKPRESSURE } from './backpressure.ts';
import type { ProcessorSettings } from '../consumer.ts';
import type { StreamShard } from './stream-shard.ts';

export function settingsFromConfig(
  processors: ProcessorsConfig,
  identity: { consumerName: string; epoch: number; shard?: StreamShard },
): ProcessorSettings {
  return {
    consumerName: identity.consumerName,
    epoch: identity.epoch,
    ...(identity.shard === undefined ? {} : { shard: identity.shard }),
    jobName: 'default',
    readBatchSize: processors.read_batch_size,
    readBatchBytes: processors.read_batch_bytes,
    readBlockMs: processors.read_batch_timeout_ms,
    streamsCheckIntervalMs: processors.idle_streams_check_interval_ms,
    busyStreamsCheckIntervalMs: processors.busy_streams_check_interval_ms,
    errorHandling: processors.error_handling,
    dlqMaxMessages: processors.dlq_max_messages,
    retryInitialDelayMs: processors.retry_initial_delay_ms,
    retryMaxDelayMs: processors.retry_max_delay_ms,
    backpressure: DEFAULT_BACKPRESSURE,
    backpressureCheckIntervalMs: 1000,
  };
}
