// The soak's loss accounting rests on e2e/support/stream-writes.ts: every XADD to the stream is
// seen with its change identity, values holding escaped quotes and non-ASCII text survive
// MONITOR's quoting, and after a kill -9 and restart of the server the watch sees XADDs again.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startRedis } from '../harness/redis.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import { changeIdentity, monitorArgs, watchStreamWrites } from './support/stream-writes.ts';

const ctx = useTestContext();

function envelope(op: string, row: Record<string, unknown>): string {
  const image = op === 'd' ? { before: row, after: null } : { before: null, after: row };
  // Debezium's source.sequence is JSON text inside JSON: escaped quotes, as in real entries.
  return JSON.stringify({ ...image, op, source: { sequence: '["1","2"]', note: 'é " " \\' } });
}

describe('watchStreamWrites', () => {
  it('parses MONITOR quoting and the identity of creates, updates and deletes', () => {
    expect(monitorArgs('+1.5 [0 127.0.0.1:9] "XADD" "s" "a\\\\\\"b\\xc3\\xa9\\n"')).toEqual([
      'XADD',
      's',
      'a\\"bé\n',
    ]);
    expect(changeIdentity(envelope('c', { id: 7, v: 'i1' }))).toBe('c:7');
    expect(changeIdentity(envelope('u', { id: 7, v: 'u2' }))).toBe('u:u2');
    expect(changeIdentity(envelope('d', { id: 7 }))).toBe('d:7');
    expect(changeIdentity('not json')).toBeUndefined();
  });

  it('sees every XADD, counts a record written twice, and watches on after a restart', async () => {
    const redis = await startRedis({
      dir: `${ctx.dir}/redis`,
      registry: ctx.registry,
      appendonly: true,
    });
    const writes = await watchStreamWrites(redis.url, 's');
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    try {
      const add = (value: string) => client.xadd('s', '*', 'key', '{}', 'value', value);
      for (let id = 1; id <= 500; id++) await add(envelope('c', { id, v: `i${id}` }));
      await add(envelope('u', { id: 3, v: 'u1' }));
      await add(envelope('c', { id: 3, v: 'i3' }));
      await add(envelope('d', { id: 4 }));
      expect(await writes.caughtUp(10_000)).toEqual({ missed: 0 });
      expect(writes.records).toBe(503);
      expect(writes.duplicates).toBe(1);
      expect(writes.seen.has('c:500') && writes.seen.has('u:u1') && writes.seen.has('d:4')).toBe(
        true,
      );

      await redis.kill();
      await redis.restart();
      await waitFor('the watch to monitor again', () => writes.monitoring);
      await add(envelope('d', { id: 5 }));
      expect(await writes.caughtUp(10_000)).toEqual({ missed: 0 });
      expect(writes.seen.has('d:5')).toBe(true);
    } finally {
      client.disconnect();
      writes.stop();
    }
  });
});
