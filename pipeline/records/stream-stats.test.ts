import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../../common/errors.ts';
import { statsKey } from '../redis-keys.ts';
import { MemoryHashes } from './memory-hashes.ts';
import { decodeStreamStats, queueStreamBatchReport } from './stream-stats.ts';

const STREAM = 'data:shop.public.people';
const batch = {
  records: 5,
  inserted: 2,
  updated: 1,
  deleted: 1,
  filtered: 0,
  rejected: 1,
  at: 10_000,
  newestSourceTsMs: 9_400,
};

describe('stream statistics record', () => {
  it('reads back the sums of the batches and the last one’s arrival and latency', () => {
    const hashes = new MemoryHashes();
    queueStreamBatchReport(hashes, STREAM, batch);
    queueStreamBatchReport(hashes, STREAM, { ...batch, at: 20_000, newestSourceTsMs: 19_900 });
    hashes.hincrby(statsKey(STREAM), 'replayed', 3);
    expect(decodeStreamStats(STREAM, hashes.hgetall(statsKey(STREAM)))).toEqual({
      total: 10,
      inserted: 4,
      updated: 2,
      deleted: 2,
      filtered: 0,
      rejected: 2,
      replayed: 3,
      last_arrival: 20_000,
      last_latency_ms: 100,
    });
  });

  it('keeps the last known latency when a batch has no source time, and never goes negative', () => {
    const hashes = new MemoryHashes();
    queueStreamBatchReport(hashes, STREAM, { ...batch, newestSourceTsMs: 10_050 });
    queueStreamBatchReport(hashes, STREAM, { ...batch, at: 11_000, newestSourceTsMs: 0 });
    const stats = decodeStreamStats(STREAM, hashes.hgetall(statsKey(STREAM)));
    expect(stats.last_latency_ms).toBe(0);
    expect(stats.last_arrival).toBe(11_000);
  });

  it('rejects a malformed counter with a coded error naming the stream’s key', () => {
    let thrown: unknown;
    try {
      decodeStreamStats(STREAM, { total: '12x' });
    } catch (error) {
      thrown = error;
    }
    expect(isSluiceError(thrown, 'RDI_RECORD_INVALID')).toBe(true);
    expect((thrown as Error).message).toContain(`'${statsKey(STREAM)}'`);
    expect((thrown as Error).message).toContain("'total'");
  });
});
