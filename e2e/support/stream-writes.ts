// Watches every XADD to one change stream of the RDI database through MONITOR and records the
// identity of each change record written, so that a fault test can check that each change the
// source committed reached the stream (a loss that a later change of the same row would hide
// from a final comparison) and count the records Debezium sent twice. MONITOR rather than
// XREAD: the server queues the feed for a slow reader, while the processor trims acknowledged
// entries, so a reader of the stream itself falls behind and misses entries on a busy machine.
// Only an XADD executed just before a kill -9 of the server can be missed (its feed not sent
// yet): caughtUp counts those from the stream's entries-added.
import { Redis } from 'ioredis';
import { createConnection, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface StreamWrites {
  /** Identities written at least once (see changeIdentity). */
  readonly seen: ReadonlySet<string>;
  /** Records written whose identity had been written before: sent again after a fault. */
  readonly duplicates: number;
  /** Change records written in all. */
  readonly records: number;
  /**
   * Waits (up to `timeoutMs`) until every entry the stream has ever added was seen; resolves
   * with how many were not (added while this watch was not connected).
   */
  caughtUp(timeoutMs: number): Promise<{ missed: number }>;
  /** True while the watch's connection is in MONITOR mode. */
  readonly monitoring: boolean;
  stop(): void;
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
  let document: Json | undefined;
  try {
    document = asObject(JSON.parse(value));
  } catch {
    return undefined;
  }
  const payload = asObject(document && 'schema' in document ? document.payload : document);
  const op = payload?.op;
  const after = asObject(payload?.after);
  const before = asObject(payload?.before);
  if (op === 'c' || op === 'r') return `c:${String(after?.id)}`;
  if (op === 'u') return `u:${String(after?.v)}`;
  if (op === 'd') return `d:${String(before?.id)}`;
  return undefined;
}

const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  r: '\r',
  t: '\t',
  a: '\x07',
  b: '\b',
  '"': '"',
  '\\': '\\',
};

/**
 * The arguments of one MONITOR line (`<time> [<db> <client>] "arg" "arg" …`): each is quoted
 * as Redis's sdscatrepr does (\" \\ \n \r \t \a \b and \xHH for other bytes). ioredis's own
 * parser only undoes \", which breaks JSON holding escaped quotes.
 */
export function monitorArgs(line: string): string[] {
  const args: string[] = [];
  let i = line.indexOf('] "');
  if (i < 0) return args;
  i += 2;
  while (i < line.length && line[i] === '"') {
    const bytes: number[] = [];
    i += 1;
    while (i < line.length && line[i] !== '"') {
      const c = line[i] ?? '';
      if (c !== '\\') {
        bytes.push(...Buffer.from(c, 'latin1'));
        i += 1;
        continue;
      }
      const next = line[i + 1] ?? '';
      if (next === 'x') {
        bytes.push(parseInt(line.slice(i + 2, i + 4), 16));
        i += 4;
      } else {
        bytes.push(...Buffer.from(ESCAPES[next] ?? next, 'latin1'));
        i += 2;
      }
    }
    args.push(Buffer.from(bytes).toString('utf8'));
    i += 2; // the closing quote and the space
  }
  return args;
}

/** Starts watching the XADDs to `stream` on the Redis at `url`; resolves once MONITOR is on. */
export async function watchStreamWrites(url: string, stream: string): Promise<StreamWrites> {
  const probe = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => 20 });
  // Connection errors while the server is down (a fault under test) are expected.
  probe.on('error', () => undefined);
  const seen = new Set<string>();
  const counts = { duplicates: 0, records: 0, entries: 0 };
  const onArgs = (args: string[]) => {
    if (args[0]?.toUpperCase() !== 'XADD' || args[1] !== stream) return;
    counts.entries += 1;
    const at = args.indexOf('value', 3);
    const value = at > 0 ? args[at + 1] : undefined;
    const identity = value === undefined ? undefined : changeIdentity(value);
    if (identity === undefined) return;
    counts.records += 1;
    if (seen.has(identity)) counts.duplicates += 1;
    else seen.add(identity);
  };
  const { hostname, port } = new URL(url);
  const state: { stopped: boolean; monitoring: boolean; socket?: Socket } = {
    stopped: false,
    monitoring: false,
  };
  // A raw connection: MONITOR again after each reconnection (the RDI database restarts).
  const connect = (onMonitoring: () => void) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    state.socket = socket;
    let pending = '';
    socket.setEncoding('latin1');
    socket.on('connect', () => socket.write('MONITOR\r\n'));
    socket.on('data', (chunk: string) => {
      pending += chunk;
      let end = pending.indexOf('\r\n');
      while (end >= 0) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 2);
        if (line === '+OK') {
          state.monitoring = true;
          onMonitoring();
        } else if (line.startsWith('+')) onArgs(monitorArgs(line));
        end = pending.indexOf('\r\n');
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      state.monitoring = false;
      if (!state.stopped)
        setTimeout(() => {
          connect(onMonitoring);
        }, 20);
    });
  };
  await new Promise<void>((resolve) => {
    connect(resolve);
  });
  return {
    seen,
    get duplicates() {
      return counts.duplicates;
    },
    get records() {
      return counts.records;
    },
    get monitoring() {
      return state.monitoring;
    },
    caughtUp: async (timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const info = (await probe.xinfo('STREAM', stream)) as unknown[];
        const added = Number(info[info.indexOf('entries-added') + 1]);
        if (counts.entries >= added || Date.now() > deadline)
          return { missed: Math.max(0, added - counts.entries) };
        await sleep(200);
      }
    },
    stop: () => {
      state.stopped = true;
      state.socket?.destroy();
      probe.disconnect();
    },
  };
}
