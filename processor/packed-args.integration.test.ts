// Packed script arguments against a real Redis: what cmsgpack unpacks inside Lua is exactly
// the strings packed, at every header width (fixstr, str8, str16, str32) and in any script.
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis } from '../harness/redis.ts';
import { useTestContext } from '../harness/test-context.ts';
import { packArgs } from './core/packed-args.ts';

const ctx = useTestContext();
let redis: Redis;

beforeAll(async () => {
  const server = await startRedis({ dir: `${ctx.dir}/redis`, registry: ctx.registry });
  redis = new Redis(server.url);
});
afterAll(async () => {
  await redis.quit();
});

/** What the packed `buffer` unpacks to inside Lua, sent back as it is. */
async function unpacked(buffer: Buffer): Promise<Buffer[]> {
  return (await redis.callBuffer(
    'EVAL',
    'return cmsgpack.unpack(ARGV[1])',
    '0',
    buffer,
  )) as Buffer[];
}

/** The unpacked strings, as Lua sees them, sent back. */
async function roundTrip(strings: readonly string[]): Promise<Buffer[]> {
  const { buffer, count } = packArgs((args) => {
    for (const text of strings) args.push(text);
  });
  expect(count).toBe(strings.length);
  return unpacked(buffer);
}

describe('PackedArgs', () => {
  it('unpacks in Lua to the same strings, byte for byte, at every length boundary', async () => {
    const strings = [
      '',
      'H',
      '1700000000000-12',
      'é',
      '日本語',
      '😀 emoji',
      'a'.repeat(10),
      'a'.repeat(11),
      'a'.repeat(12),
      'a'.repeat(31),
      'a'.repeat(32),
      'é'.repeat(85),
      'a'.repeat(255),
      'a'.repeat(256),
      '€'.repeat(21_845),
      'b'.repeat(65_535),
      'c'.repeat(65_536),
      'd'.repeat(200_000),
      'x\u0000y\r\n$3\r\n',
    ];
    const got = await roundTrip(strings);
    expect(got.map((b) => b.toString('utf8'))).toEqual(strings);
  });

  it('packs many arguments, growing its buffer', async () => {
    const strings = Array.from({ length: 30_000 }, (_, i) => `field-${i}-${'v'.repeat(i % 50)}`);
    const got = await roundTrip(strings);
    expect(got).toHaveLength(strings.length);
    expect(got.map((b) => b.toString())).toEqual(strings);
  });

  it('stands in for ARGV in the functions of a script behind packed-args.lua', async () => {
    const { buffer } = packArgs((args) => args.push('k', 'v1', 'v2'));
    const script = [
      readFileSync(new URL('./lua/packed-args.lua', import.meta.url), 'utf8'),
      'local function second() return ARGV[2] end',
      'return { #ARGV, second(), ARGV[3] }',
    ].join('\n');
    expect(await redis.eval(script, 0, buffer)).toEqual([3, 'v1', 'v2']);
  });

  it('keeps earlier packs intact while later ones fill and replace the slab', async () => {
    const packs = Array.from({ length: 40 }, (_, i) => {
      const strings = Array.from({ length: 500 }, (_, j) => `${i}:${j}:${'z'.repeat(300)}`);
      return { strings, ...packArgs((args) => args.push(...strings)) };
    });
    for (const pack of [packs[0], packs[39]]) {
      if (pack === undefined) throw new Error('40 packs were made');
      const { strings, buffer } = pack;
      expect((await unpacked(buffer)).map((b) => b.toString())).toEqual(strings);
    }
    expect(() => packArgs(() => packArgs(() => undefined))).toThrow(/already/);
  });
});
