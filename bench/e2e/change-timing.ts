// Observers for the latency benchmark. The stream tail reads every new entry of the streams
// (plain XREAD, beside the processor's group) and keeps the entry id's time per row key; the
// target watch subscribes to the target's keyspace notifications and keeps the time each row
// key was first written. Row keys are the default job's `<table>:id:<id>`.
import { Redis } from 'ioredis';

export type Times = Map<string, number>;

export interface Observer {
  readonly times: Times;
  /** Forgets the times seen so far (a new step starts). */
  clear(): void;
  close(): Promise<void>;
}

const TABLE_OF_STREAM = /\.([^.]+)$/;
// The key is {"id":n}, or {"schema":…,"payload":{"id":n}} with key schemas on.
const KEY_ID = /"id":(\d+)/;

/** Tails `streams` from their current ends; needs the streams to exist. */
export async function tailStreams(url: string, streams: readonly string[]): Promise<Observer> {
  const client = new Redis(url);
  const times: Times = new Map();
  const ids = new Map<string, string>();
  for (const stream of streams) {
    const last = await client.xrevrange(stream, '+', '-', 'COUNT', 1);
    ids.set(stream, last[0]?.[0] ?? '0-0');
  }
  const state = { open: true };
  const loop = (async () => {
    while (state.open) {
      const reply = await client.xread(
        'COUNT',
        2_000,
        'BLOCK',
        200,
        'STREAMS',
        ...streams,
        ...streams.map((s) => ids.get(s) ?? '0-0'),
      );
      for (const [stream, entries] of reply ?? []) {
        const table = TABLE_OF_STREAM.exec(stream)?.[1] ?? stream;
        for (const [id, fields] of entries) {
          ids.set(stream, id);
          const keyAt = fields.indexOf('key');
          const rowId = KEY_ID.exec(fields[keyAt + 1] ?? '')?.[1];
          const key = `${table}:id:${rowId ?? '?'}`;
          if (!times.has(key)) times.set(key, Number(id.slice(0, id.indexOf('-'))));
        }
      }
    }
  })();
  return {
    times,
    clear: () => {
      times.clear();
    },
    close: async () => {
      state.open = false;
      await loop;
      await client.quit();
    },
  };
}

/** Watches hash writes and deletions of the target's keys (keyspace notifications). */
export async function watchTarget(url: string): Promise<Observer> {
  const admin = new Redis(url);
  await admin.config('SET', 'notify-keyspace-events', 'Kgh');
  await admin.quit();
  const subscriber = new Redis(url);
  const times: Times = new Map();
  const prefix = '__keyspace@0__:';
  subscriber.on('pmessage', (_pattern: string, channel: string) => {
    const key = channel.slice(prefix.length);
    if (!times.has(key)) times.set(key, Date.now());
  });
  await subscriber.psubscribe(`${prefix}*`);
  return {
    times,
    clear: () => {
      times.clear();
    },
    close: async () => {
      await subscriber.quit();
    },
  };
}

export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return {
    count: sorted.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/** `later(key) − earlier(key)` for every key of `keys` both know. */
export function differences(keys: Iterable<string>, earlier: Times, later: Times): number[] {
  const out: number[] = [];
  for (const key of keys) {
    const a = earlier.get(key);
    const b = later.get(key);
    if (a !== undefined && b !== undefined) out.push(b - a);
  }
  return out;
}
