// Hashes in memory that take the commands a record codec queues, the way Redis applies them
// (HINCRBY adds, HSET overwrites), for codec round-trip tests. Pure.

import type { HashCommands, HashFields } from './record-fields.ts';

export class MemoryHashes implements HashCommands {
  readonly #hashes = new Map<string, Map<string, string>>();

  #hash(key: string): Map<string, string> {
    let hash = this.#hashes.get(key);
    if (hash === undefined) {
      hash = new Map();
      this.#hashes.set(key, hash);
    }
    return hash;
  }

  hset(key: string, fields: Record<string, string | number>): void {
    const hash = this.#hash(key);
    for (const [field, value] of Object.entries(fields)) hash.set(field, String(value));
  }

  hincrby(key: string, field: string, increment: number): void {
    if (!Number.isInteger(increment)) throw new Error(`HINCRBY ${field} by ${increment}`);
    const hash = this.#hash(key);
    hash.set(field, String(Number(hash.get(field) ?? 0) + increment));
  }

  hincrbyfloat(key: string, field: string, increment: number): void {
    const hash = this.#hash(key);
    hash.set(field, String(Number(hash.get(field) ?? 0) + increment));
  }

  /** What HGETALL would return. */
  hgetall(key: string): HashFields {
    return Object.fromEntries(this.#hashes.get(key) ?? []);
  }
}
