// Loads a Lua script from its own file once and calls it by SHA, reloading transparently
// when the server has forgotten it (restart, SCRIPT FLUSH, failover).

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Cluster, Redis } from 'ioredis';

export class LuaScript {
  readonly name: string;
  readonly source: string;
  readonly sha: string;

  constructor(name: string, source: string) {
    this.name = name;
    this.source = source;
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  static fromFile(url: URL): LuaScript {
    return LuaScript.fromFiles([url]);
  }

  /** One script from several files, in order (shared functions first); named by the last. */
  static fromFiles(urls: readonly URL[]): LuaScript {
    const last = urls[urls.length - 1];
    const name = last?.pathname.split('/').pop() ?? 'script';
    return new LuaScript(name, urls.map((url) => readFileSync(url, 'utf8')).join('\n'));
  }

  /** On a Cluster, every key of `keys` must be in one slot (the command goes to its node). */
  async run(
    redis: Redis | Cluster,
    keys: readonly string[],
    args: readonly (string | number | Buffer)[],
  ): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
