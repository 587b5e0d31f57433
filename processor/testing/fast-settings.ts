// Processor settings for integration tests against a real Redis: small batches, short blocking
// reads and retry delays so that tests see each step quickly, a silent logger.
import type { ProcessorSettings } from '../consumer.ts';
import type { Logger } from '../ports.ts';

export const quietLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export const fastSettings: ProcessorSettings = {
  consumerName: 'p1',
  epoch: 1,
  jobName: 'default',
  readBatchSize: 50,
  readBatchBytes: 8_388_608,
  readBlockMs: 20,
  streamsCheckIntervalMs: 50,
  errorHandling: 'dlq',
  dlqMaxMessages: 1000,
  retryInitialDelayMs: 10,
  retryMaxDelayMs: 50,
  backpressure: { backlogHigh: 1000, backlogLow: 10, memoryHigh: 0.9, memoryLow: 0.8 },
  backpressureCheckIntervalMs: 10,
};
