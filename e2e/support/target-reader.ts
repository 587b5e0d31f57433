// Reads what the pipeline wrote to the target Redis, for assertions: waits until a key holds
// exactly the expected hash (or is gone), and says what it saw when time runs out.
import type { Redis } from 'ioredis';
import { isDeepStrictEqual } from 'node:util';
import { waitFor } from '../../harness/wait-for.ts';

const TIMEOUT_MS = 90_000;

export async function expectHash(
  target: Redis,
  key: string,
  expected: Record<string, string>,
): Promise<void> {
  let seen: Record<string, string> = {};
  await waitFor(
    `${key} to hold ${JSON.stringify(expected)}`,
    async () => {
      seen = await target.hgetall(key);
      if (isDeepStrictEqual(seen, expected)) return true;
      throw new Error(`it holds ${JSON.stringify(seen)}`);
    },
    { timeoutMs: TIMEOUT_MS, intervalMs: 100 },
  );
}

export async function expectGone(target: Redis, key: string): Promise<void> {
  await waitFor(`${key} to be deleted`, async () => (await target.exists(key)) === 0, {
    timeoutMs: TIMEOUT_MS,
    intervalMs: 100,
  });
}
