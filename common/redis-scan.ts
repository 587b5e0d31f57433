// Iterating keys with SCAN (never KEYS, which blocks the server), and escaping text used
// literally inside a SCAN MATCH pattern.
import type { Redis } from 'ioredis';

/** Every key matching `pattern` (optionally only of one `type`), in no particular order. */
export async function scanKeys(redis: Redis, pattern: string, type?: string): Promise<string[]> {
  const keys: string[] = [];
  const typeArgs = type === undefined ? [] : ['TYPE', type];
  let cursor = '0';
  do {
    const [next, batch] = (await redis.call(
      'SCAN',
      cursor,
      'MATCH',
      pattern,
      ...typeArgs,
      'COUNT',
      '1000',
    )) as [string, string[]];
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/** `text` with the glob characters of SCAN MATCH escaped, to match it literally. */
export function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
