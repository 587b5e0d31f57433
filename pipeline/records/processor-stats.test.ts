import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../../common/errors.ts';
import { PROCESSOR_STATS_KEY } from '../redis-keys.ts';
import { MemoryHashes } from './memory-hashes.ts';
import {
  decodeProcessorStats,
  encodeResourceReport,
  queueAckTime,
  queueBatchReport,
} from './processor-stats.ts';

describe('processor statistics record', () => {
  it('reads back what two batches, an acknowledgement and a memory report wrote', () => {
    const hashes = new MemoryHashes();
    queueBatchReport(hashes, { records: 10, readMs: 1, transformMs: 2, writeMs: 3, at: 1000 });
    queueBatchReport(hashes, { records: 4, readMs: 0.5, transformMs: 1, writeMs: 0.5, at: 2000 });
    queueAckTime(hashes, 1.25);
    hashes.hset(
      PROCESSOR_STATS_KEY,
      encodeResourceReport({ rssBytes: 1234, heapUsedBytes: 567, at: 3000, consumer: 'p1' }),
    );
    expect(decodeProcessorStats(hashes.hgetall(PROCESSOR_STATS_KEY))).toEqual({
      batches: 2,
      records: 14,
      read_time_ms: 1.5,
      transform_time_ms: 3,
      write_time_ms: 3.5,
      ack_time_ms: 1.25,
      last_batch_size: 4,
      last_read_time_ms: 0.5,
      last_transform_time_ms: 1,
      last_write_time_ms: 0.5,
      last_records_per_second: 2000,
      last_batch_at: 2000,
      rss_bytes: 1234,
      heap_used_bytes: 567,
      resources_at: 3000,
      consumer: 'p1',
    });
  });

  it('reads an absent record as zero counters and no memory report', () => {
    const stats = decodeProcessorStats({});
    expect(stats.batches).toBe(0);
    expect(stats.last_batch_at).toBe(0);
    expect(stats.rss_bytes).toBeUndefined();
    expect(stats.consumer).toBeUndefined();
  });

  it('rejects a malformed number with a coded error naming key and field', () => {
    for (const bad of ['abc', '', 'NaN', 'Infinity']) {
      let thrown: unknown;
      try {
        decodeProcessorStats({ batches: '3', rss_bytes: bad });
      } catch (error) {
        thrown = error;
      }
      expect(isSluiceError(thrown, 'RDI_RECORD_INVALID')).toBe(true);
      expect((thrown as Error).message).toContain(`'${PROCESSOR_STATS_KEY}'`);
      expect((thrown as Error).message).toContain("'rss_bytes'");
    }
  });
});
