// The sink's memory rule, Debezium's refusal line, and when the operator reports a stall.
import { describe, expect, it } from 'vitest';
import {
  lastSinkRefusal,
  neededMaxMemoryMb,
  SINK_MEMORY_STALL,
  sinkStallError,
  sinkWouldRefuse,
} from './sink-memory-stall.ts';
import { entrySize, processorIdle } from './sink-memory-watch.ts';

const MB = 1024 ** 2;
const base = {
  collectorRunning: true,
  processorIdle: true,
  usedMemory: 2 * MB,
  maxMemory: 64 * MB,
  entryBytes: undefined,
  fillRate: 30_000,
  refusal: undefined,
};

// As Debezium Server 3.6.1 logs it (plain text and a JSON record).
const PLAIN =
  '2026-12-04 17:40:01,123 INFO  [io.deb.ser.red.RedisMemoryThreshold] (pool-7-thread-1) Sink memory threshold percentage was reached. Will retry; (estimated used memory size: 262.45 MB, maxmemory: 64.00 MB). Total Processed Records: 0';
const JSON_RECORD = JSON.stringify({
  level: 'INFO',
  loggerName: 'io.debezium.server.redis.RedisMemoryThreshold',
  message:
    'Sink memory threshold percentage was reached. Will retry; (estimated used memory size: 1.50 GB, maxmemory: 1.00 GB). Total Processed Records: 12',
});

describe('lastSinkRefusal', () => {
  it('finds the last refusal in plain and JSON log lines', () => {
    expect(lastSinkRefusal(['starting', PLAIN, 'Stopped consuming records!'])).toEqual({
      estimated: '262.45 MB',
      maxmemory: '64.00 MB',
      estimatedBytes: Math.round(262.45 * MB),
    });
    expect(lastSinkRefusal([PLAIN, JSON_RECORD])?.estimated).toBe('1.50 GB');
    expect(lastSinkRefusal(['Handling a batch of 3 records'])).toBeUndefined();
  });
});

describe('sinkWouldRefuse', () => {
  it('applies used_memory + entry size × fill rate ≥ maxmemory, off with maxmemory 0', () => {
    // 2 MB + 2,000 B × 30,000 = 59.2 MB < 64 MB; 2,300 B: 67.8 MB ≥ 64 MB.
    expect(sinkWouldRefuse(base, 2_000)).toBe(false);
    expect(sinkWouldRefuse(base, 2_300)).toBe(true);
    expect(sinkWouldRefuse({ ...base, maxMemory: 0 }, 1_000_000)).toBe(false);
  });

  it('needs maxmemory above the rule with a quarter to spare', () => {
    expect(neededMaxMemoryMb(2 * MB, 9_000, 30_000)).toBe(
      Math.ceil(((2 * MB + 270e6) * 1.25) / MB),
    );
  });
});

describe('sinkStallError', () => {
  it('reports a refusal Debezium logged while the processor has nothing to read', () => {
    const error = sinkStallError({ ...base, refusal: lastSinkRefusal([PLAIN]) });
    expect(error?.code).toBe(SINK_MEMORY_STALL);
    expect(error?.message).toContain('uses 2.0 MB of maxmemory 64.0 MB');
    expect(error?.message).toContain('estimated 262.45 MB ≥ maxmemory 64.00 MB');
    expect(error?.remediation).toContain(`at least ${Math.ceil(262.45 * 1.25)} MB`);
  });

  it('reports the rule broken by the measured entry size without a log line', () => {
    const error = sinkStallError({ ...base, entryBytes: 9_000 });
    expect(error?.message).toContain('30,000 × the entry size (9,000 B) = 257.5 MB');
    expect(error?.remediation).toContain(`at least ${neededMaxMemoryMb(2 * MB, 9_000, 30_000)} MB`);
  });

  it('stays quiet while the processor still reads, the collector is down, or all is well', () => {
    const refusal = lastSinkRefusal([PLAIN]);
    expect(sinkStallError({ ...base, refusal, processorIdle: false })).toBeUndefined();
    expect(sinkStallError({ ...base, refusal, collectorRunning: false })).toBeUndefined();
    expect(sinkStallError({ ...base, entryBytes: 1_000 })).toBeUndefined();
    expect(sinkStallError({ ...base, refusal, maxMemory: 0 })).toBeUndefined();
  });
});

describe('the watch helpers', () => {
  it('measures an entry as the sink does: stream name, field names and values in UTF-8 bytes', () => {
    expect(entrySize('data:s.public.t', ['key', '{"id":1}', 'value', 'é'])).toBe(
      15 + 3 + 8 + 5 + 2,
    );
  });

  it('finds the processor idle only when every stream is delivered and nothing is pending', () => {
    const done = {
      stream: 'a',
      lastId: '5-0',
      entriesAdded: 5,
      delivered: '5-0',
      oldestPending: undefined,
    };
    expect(processorIdle([])).toBe(true);
    expect(processorIdle([done])).toBe(true);
    expect(processorIdle([{ ...done, delivered: '4-0' }])).toBe(false);
    expect(processorIdle([{ ...done, oldestPending: '5-0' }])).toBe(false);
    expect(processorIdle([{ ...done, delivered: undefined }])).toBe(false);
  });
});
