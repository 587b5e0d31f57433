// A Lua script's arguments packed into one Buffer: a MessagePack array of strings, which the
// script unpacks with Redis' built-in cmsgpack (lua/packed-args.lua). A batch's thousands of
// arguments then travel as one bulk string: no RESP text built by concatenation, no UTF-8
// re-encoding of it on the socket, no Redis object per argument. Strings are written once,
// straight into the buffer, at the header width their UTF-8 bytes can need. Pure.

/** Where encodeOp (apply-batch.ts) appends arguments: a plain array or the packer. */
export interface ArgSink {
  push(...args: string[]): unknown;
}

/**
 * Packs are cut from large slabs, one after the other, like Node's own Buffer pool: a batch's
 * pack costs no allocation of its own (allocating ~0.5 MB per batch kept the GC busy), and a
 * slab is freed once no pack of it is referenced any more. Memory handed out is never written
 * again, so a pack stays valid while ioredis holds it (queued, or sent again after NOSCRIPT).
 */
const SLAB_BYTES = 4 * 1024 * 1024;
let slab = Buffer.allocUnsafe(SLAB_BYTES);
let slabUsed = 0;
let packing = false;

/** Header byte of a MessagePack array32 (a count of 4 bytes follows). */
const ARRAY32 = 0xdd;

class SlabWriter implements ArgSink {
  #buffer = slab;
  #start: number;
  #at: number;
  count = 0;

  constructor() {
    this.#start = slabUsed;
    // Room for the array header, filled in by finish().
    this.#at = slabUsed + 5;
    this.#ensure(0);
  }

  push(...args: string[]): number {
    for (const arg of args) this.#write(arg);
    return this.count;
  }

  /** The pack: a view of the slab, which later packs never overlap. */
  finish(): Buffer {
    const buffer = this.#buffer;
    buffer[this.#start] = ARRAY32;
    buffer.writeUInt32BE(this.count, this.#start + 1);
    // The next pack starts 8-byte aligned.
    slabUsed = (this.#at + 7) & ~7;
    return buffer.subarray(this.#start, this.#at);
  }

  /** Room for `bytes` more: a full slab is left to its packs and a new one takes this pack. */
  #ensure(bytes: number): void {
    if (this.#at + bytes <= this.#buffer.length) return;
    const written = this.#at - this.#start;
    const fresh = Buffer.allocUnsafe(Math.max(SLAB_BYTES, 2 * (written + bytes)));
    this.#buffer.copy(fresh, 0, this.#start, this.#at);
    this.#buffer = fresh;
    this.#start = 0;
    this.#at = written;
    slab = fresh;
    slabUsed = 0;
  }

  #write(text: string): void {
    this.count += 1;
    const length = text.length;
    // UTF-8 takes at most 3 bytes per UTF-16 unit: enough room, and the header width that
    // the bytes can need, known before writing them.
    const most = length * 3;
    this.#ensure(most + 5);
    const buffer = this.#buffer;
    if (length < 12 && this.#writeShortAscii(text)) return;
    let header: number;
    if (most < 32) header = 1;
    else if (most < 256) header = 2;
    else if (most < 65_536) header = 3;
    else header = 5;
    const start = this.#at + header;
    const bytes = buffer.write(text, start, 'utf8');
    if (header === 1) {
      buffer[this.#at] = 0xa0 | bytes;
    } else if (header === 2) {
      buffer[this.#at] = 0xd9;
      buffer[this.#at + 1] = bytes;
    } else if (header === 3) {
      buffer[this.#at] = 0xda;
      buffer.writeUInt16BE(bytes, this.#at + 1);
    } else {
      buffer[this.#at] = 0xdb;
      buffer.writeUInt32BE(bytes, this.#at + 1);
    }
    this.#at = start + bytes;
  }

  /** Op codes, counts and ids byte by byte (a native write costs more for a few bytes). */
  #writeShortAscii(text: string): boolean {
    const buffer = this.#buffer;
    const at = this.#at;
    for (let i = 0; i < text.length; i += 1) {
      const code = text.charCodeAt(i);
      if (code > 0x7f) return false;
      buffer[at + 1 + i] = code;
    }
    buffer[at] = 0xa0 | text.length;
    this.#at = at + 1 + text.length;
    return true;
  }
}

/**
 * The strings `fill` pushes, packed. Synchronous and not re-entrant (packs are cut from one
 * slab at a time); the returned Buffer is never written again.
 */
export function packArgs(fill: (args: ArgSink) => void): { buffer: Buffer; count: number } {
  if (packing) throw new Error('packArgs: a pack is already being written');
  packing = true;
  try {
    const writer = new SlabWriter();
    fill(writer);
    return { buffer: writer.finish(), count: writer.count };
  } finally {
    packing = false;
  }
}
