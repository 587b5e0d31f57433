// Which change streams belong to a pipeline: those named after its sources
// (`data:<source>.*`), found by SCAN — including streams that only have statistics left.

import type { Redis } from 'ioredis';
import { parse } from 'yaml';
import { STREAM_PREFIX, dlqKey, statsKey } from '../../pipeline/redis-keys.ts';
import { globEscape, scanKeys } from '../../common/redis-scan.ts';

/** Source names of a stored config.yaml text (already validated when it was stored). */
export function sourceNames(configText: string): string[] {
  try {
    const doc: unknown = parse(configText);
    if (typeof doc !== 'object' || doc === null) return [];
    const sources = (doc as { sources?: unknown }).sources;
    if (typeof sources !== 'object' || sources === null) return [];
    return Object.keys(sources);
  } catch {
    return [];
  }
}

/** The pipeline's change stream names, sorted. */
export async function pipelineStreams(rdi: Redis, sources: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const source of sources) {
    const stream = `${STREAM_PREFIX}${globEscape(source)}.*`;
    for (const key of await scanKeys(rdi, stream)) found.add(key);
    const statsPrefix = statsKey('');
    for (const key of await scanKeys(rdi, statsKey(stream)))
      found.add(key.slice(statsPrefix.length));
    const dlqPrefix = dlqKey('');
    for (const key of await scanKeys(rdi, dlqKey(stream))) found.add(key.slice(dlqPrefix.length));
  }
  return [...found].sort();
}
