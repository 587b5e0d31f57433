// Where the processor's consumer group stands on each change stream of a pipeline: the last
// id and number of entries ever added (XINFO STREAM), the group's last delivered id (XINFO
// GROUPS) and its oldest pending entry (XPENDING) — one round trip for all streams.

import type { Redis } from 'ioredis';
import { PROCESSOR_GROUP, STREAM_PREFIX, pipelineKey } from '../../pipeline/redis-keys.ts';
import { globEscape, scanKeys } from '../../common/redis-scan.ts';
import { sourceNames } from '../status/pipeline-streams.ts';
import type { StreamPosition } from './snapshot-sync.ts';

export async function streamPositions(rdi: Redis, pipeline: string): Promise<StreamPosition[]> {
  const config = (await rdi.hget(pipelineKey(pipeline), 'config')) ?? '';
  const streams: string[] = [];
  for (const source of sourceNames(config)) {
    streams.push(...(await scanKeys(rdi, `${STREAM_PREFIX}${globEscape(source)}.*`, 'stream')));
  }
  if (streams.length === 0) return [];
  const batch = rdi.pipeline();
  for (const stream of streams) {
    batch.xinfo('STREAM', stream);
    batch.xinfo('GROUPS', stream);
    batch.xpending(stream, PROCESSOR_GROUP);
  }
  const replies = (await batch.exec()) ?? [];
  const positions: StreamPosition[] = [];
  streams.forEach((stream, index) => {
    const at = (offset: number): unknown => {
      const [error, value] = replies[index * 3 + offset] ?? [null, undefined];
      // A stream deleted meanwhile, or a group not created yet (NOGROUP): nothing to read.
      return error === null ? value : undefined;
    };
    const info = fieldsOf(at(0));
    const lastId = info.get('last-generated-id');
    if (typeof lastId !== 'string') return;
    const added = info.get('entries-added');
    const group = groupOf(at(1));
    positions.push({
      stream,
      lastId,
      entriesAdded: added === undefined || added === null ? undefined : Number(added),
      delivered: group?.get('last-delivered-id') as string | undefined,
      oldestPending: oldestPending(at(2)),
    });
  });
  return positions;
}

/** A flat [name, value, name, value…] reply as a map. */
function fieldsOf(reply: unknown): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  if (!Array.isArray(reply)) return fields;
  for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), reply[i + 1]);
  return fields;
}

function groupOf(reply: unknown): Map<string, unknown> | undefined {
  if (!Array.isArray(reply)) return undefined;
  return reply.map(fieldsOf).find((group) => group.get('name') === PROCESSOR_GROUP);
}

/** XPENDING's summary: [count, smallest id, greatest id, consumers]. */
function oldestPending(reply: unknown): string | undefined {
  if (!Array.isArray(reply) || Number(reply[0] ?? 0) === 0) return undefined;
  return typeof reply[1] === 'string' ? reply[1] : undefined;
}
