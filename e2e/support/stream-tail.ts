// Follows a Debezium change stream of the RDI database with plain XREAD (no consumer group)
// and records the identity of every change record it sees, so that a fault test can check
// that each change the source committed reached the stream (a loss that a later change of the
// same row would hide from a final comparison) and count the records Debezium sent twice.
// The processor trims acknowledged entries; XREAD BLOCK is served in the same event-loop turn
// as the processor's XREADGROUP, long before the trim, but after the RDI database restarts the
// processor may reconnect first: caughtUp then counts the entries trimmed before this reader
// saw them (the stream's entries-added minus the entries read), so a caller knows which of its
// "never seen" changes it cannot vouch for.
import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';

export interface StreamTail {
  /** Identities seen at least once (see changeIdentity). */
  readonly seen: ReadonlySet<string>;
  /** Records seen whose identity had been seen before: sent again after a fault. */
  readonly duplicates: number;
  /** Records seen in all. */
  readonly records: number;
  /**
   * Resolves once every entry the stream had generated when called has been read, with the
   * number of entries the stream ever added that this reader never read (trimmed first).
   */
  caughtUp(timeoutMs: number): Promise<{ missed: number }>;
  stop(): Promise<void>;
}

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

/**
 * `c:<id>` for a create, `d:<id>` for a delete (ids are never reused by sql-workload),
 * `u:<v>` for an update (each update writes a unique v); undefined for anything else.
 */
export function changeIdentity(value: string): string | undefined {
  const document = asObject(JSON.parse(value));
  const payload = asObject(document && 'schema' in document ? document.payload : document);
  const op = payload?.op;
  const after = asObject(payload?.after);
  const before = asObject(payload?.before);
  if (op === 'c' || op === 'r') return `c:${String(after?.id)}`;
  if (op === 'u') return `u:${String(after?.v)}`;
  if (op === 'd') return `d:${String(before?.id)}`;
  return undefined;
}

function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am === bm ? as - bs : am - bm;
}

/** Starts reading `stream` of the Redis at `url` from its first entry, on its own connections. */
export function tailStream(url: string, stream: string): StreamTail {
  // Reconnect at once after a restart of the RDI database, to read before the processor trims.
  const options = { maxRetriesPerRequest: 1, retryStrategy: () => 20 };
  const client = new Redis(url, options);
  const probe = new Redis(url, options);
  const seen = new Set<string>();
  const counts = { duplicates: 0, records: 0, entries: 0 };
  let lastId = '0-0';
  const state = { stopping: false };
  const running = (async () => {
    while (!state.stopping) {
      try {
        const reply = await client.xread('COUNT', 1000, 'BLOCK', 1000, 'STREAMS', stream, lastId);
        for (const [id, fields] of reply?.[0]?.[1] ?? []) {
          lastId = id;
          counts.entries += 1;
          const at = fields.indexOf('value');
          const value = at >= 0 ? fields[at + 1] : undefined;
          const identity = value === undefined ? undefined : changeIdentity(value);
          if (identity === undefined) continue;
          counts.records += 1;
          if (seen.has(identity)) counts.duplicates += 1;
          else seen.add(identity);
        }
      } catch {
        // The RDI database is down (a fault under test): read on once it is back.
        await sleep(20);
      }
    }
  })();
  return {
    seen,
    get duplicates() {
      return counts.duplicates;
    },
    get records() {
      return counts.records;
    },
    caughtUp: async (timeoutMs) => {
      const info = (await probe.xinfo('STREAM', stream)) as unknown[];
      const field = (name: string) => String(info[info.indexOf(name) + 1]);
      const generated = field('last-generated-id');
      const added = Number(field('entries-added'));
      const deadline = Date.now() + timeoutMs;
      while (compareIds(lastId, generated) < 0) {
        if (Date.now() > deadline)
          throw new Error(`the stream reader is at ${lastId}, the stream at ${generated}`);
        await sleep(100);
      }
      return { missed: added - counts.entries };
    },
    stop: async () => {
      state.stopping = true;
      await running;
      client.disconnect();
      probe.disconnect();
    },
  };
}
