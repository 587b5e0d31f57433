// Dead-letter queues of a pipeline: which tables have one, their records page by page, and
// replay of records after a fix. DLQ entries are written by the processor with the fields
// entry_id, error_code, reason, job, time, key, value.

import type { Redis } from 'ioredis';
import { SluiceError } from '../../common/errors.ts';
import { STREAM_PREFIX, dlqKey, statsKey } from '../../pipeline/redis-keys.ts';
import { LuaScript } from '../../processor/script-runner.ts';
import type { DlqRecord } from '../schemas/dlq.ts';

const replayScript = LuaScript.fromFile(new URL('./replay-dlq.lua', import.meta.url));

/** Most records one replay call handles. */
export const MAX_REPLAY = 1000;

/** The change stream of `table` (`<source>.<schema>.<table>`, or a bare table name if unique). */
export function resolveTableStream(table: string, streams: readonly string[]): string {
  const exact = STREAM_PREFIX + table;
  if (streams.includes(exact)) return exact;
  const matches = streams.filter((stream) => stream.endsWith(`.${table}`));
  const [only, ...others] = matches;
  if (only !== undefined && others.length === 0) return only;
  throw new SluiceError(
    'DLQ_NOT_FOUND',
    matches.length > 1
      ? `'${table}' names several tables of this pipeline.`
      : `This pipeline has no table '${table}'.`,
    { path: 'params.table', hint: 'use <source>.<schema>.<table> as listed by GET …/dlqs' },
  );
}

export async function dlqLengths(rdi: Redis, streams: readonly string[]): Promise<number[]> {
  const batch = rdi.pipeline();
  for (const stream of streams) batch.xlen(dlqKey(stream));
  const replies = (await batch.exec()) ?? [];
  return streams.map((_, i) => Number(replies[i]?.[1] ?? 0));
}

export interface Page {
  readonly limit: number;
  readonly offset: number;
  readonly order: 'asc' | 'desc';
}

export async function readDlqRecords(
  rdi: Redis,
  stream: string,
  page: Page,
): Promise<{ total: number; records: DlqRecord[] }> {
  const key = dlqKey(stream);
  const count = page.offset + page.limit;
  const [total, entries] = await Promise.all([
    rdi.xlen(key),
    page.order === 'asc'
      ? rdi.xrange(key, '-', '+', 'COUNT', count)
      : rdi.xrevrange(key, '+', '-', 'COUNT', count),
  ]);
  return { total, records: entries.slice(page.offset).map(([id, fields]) => toRecord(id, fields)) };
}

function toRecord(id: string, fields: readonly string[]): DlqRecord {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] ?? '', fields[i + 1] ?? '');
  const get = (name: string): string => map.get(name) ?? '';
  return {
    id,
    entry_id: get('entry_id'),
    error_code: get('error_code'),
    reason: get('reason'),
    job: get('job'),
    time: Number(map.get('time') ?? 0),
    key: get('key'),
    value: get('value'),
  };
}

/** Replays the given DLQ ids (or the oldest MAX_REPLAY when `ids` is undefined). */
export async function replayDlq(
  rdi: Redis,
  stream: string,
  ids: readonly string[] | undefined,
): Promise<{ replayed: number; missing: number; remaining: number }> {
  const key = dlqKey(stream);
  const chosen = ids ?? (await rdi.xrange(key, '-', '+', 'COUNT', MAX_REPLAY)).map(([id]) => id);
  let replayed = 0;
  let missing = 0;
  if (chosen.length > 0) {
    const reply = (await replayScript.run(rdi, [key, stream, statsKey(stream)], chosen)) as [
      number,
      number,
    ];
    [replayed, missing] = reply;
  }
  return { replayed, missing, remaining: await rdi.xlen(key) };
}
