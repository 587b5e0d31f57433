// A deliberately simple consumer, the benchmark's yardstick: batched XREADGROUP (COUNT 500),
// JSON.parse of each value, pipelined HSET of the `after` fields at `<table>:<pk>:<value>` (DEL
// for deletes), a checkpoint per stream, then XACK. No type conversion, no atomicity, no trim.
//   node bench/reference-consumer.ts --rdi redis://… --target redis://…
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';

const GROUP = 'reference';
type Row = Record<string, unknown>;
type XReadReply = [string, [string, string[]][]][] | null;

interface Envelope {
  readonly op: string;
  readonly after: Row | null;
  readonly source: { readonly table: string };
}

/** `{schema, payload}` (JSON converter with schemas) or the bare payload. */
function payloadOf(text: string): unknown {
  const doc = JSON.parse(text) as { payload?: unknown };
  return doc.payload ?? doc;
}

function fieldValue(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

function asText(value: unknown): string {
  // Numbers and booleans print the same either way; objects (structs) as JSON.
  return typeof value === 'string' ? value : JSON.stringify(value);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rdi: { type: 'string' }, target: { type: 'string' } },
  });
  if (values.rdi === undefined || values.target === undefined) {
    throw new Error('usage: reference-consumer.ts --rdi <url> --target <url>');
  }
  const rdi = new Redis(values.rdi);
  const target = new Redis(values.target);
  const streams = (await rdi.keys('data:*')).sort();
  for (const stream of streams) {
    await rdi.xgroup('CREATE', stream, GROUP, '0').catch(() => undefined);
  }
  const state = { running: true };
  process.once('SIGTERM', () => {
    state.running = false;
  });
  while (state.running) {
    const reply = (await rdi.call(
      'XREADGROUP',
      ...['GROUP', GROUP, 'consumer-1', 'COUNT', '500', 'BLOCK', '100', 'STREAMS'],
      ...streams,
      ...streams.map(() => '>'),
    )) as XReadReply;
    for (const [stream, entries] of reply ?? []) {
      const writes = target.pipeline();
      for (const [, fields] of entries) {
        const envelope = payloadOf(fieldValue(fields, 'value') ?? 'null') as Envelope;
        const key = payloadOf(fieldValue(fields, 'key') ?? '{}') as Row;
        const parts = [envelope.source.table];
        for (const [column, value] of Object.entries(key)) parts.push(column, asText(value));
        const redisKey = parts.join(':');
        if (envelope.op === 'd' || envelope.after === null) {
          writes.del(redisKey);
          continue;
        }
        const hash: string[] = [];
        for (const [column, value] of Object.entries(envelope.after)) {
          if (value !== null) hash.push(column, asText(value));
        }
        writes.hset(redisKey, ...hash);
      }
      const ids = entries.map(([id]) => id);
      writes.hset('sluice:checkpoints', stream, ids.at(-1) ?? '0');
      await writes.exec();
      await rdi.xack(stream, GROUP, ...ids);
    }
  }
  await Promise.all([rdi.quit(), target.quit()]);
}

await main();
