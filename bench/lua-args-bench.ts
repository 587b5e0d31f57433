// What it costs to hand a batch to apply-batch.lua, per entry, in one process and without
// Redis: the arguments as thousands of strings (as before packed-args.ts: ioredis builds the
// RESP text and the socket encodes it as UTF-8) against one packed MessagePack buffer. The
// variants take turns; CPU time, median of the rounds. Batches of 500 entries of the
// captured bench entries, planned by the default job.
//   node bench/lua-args-bench.ts [--entries 40000] [--rounds 9]
import { parseArgs } from 'node:util';
import { Command } from 'ioredis';
import { CHECKPOINT_KEY, FENCE_KEY } from '../pipeline/redis-keys.ts';
import type { BatchToApply } from '../processor/apply-batch.ts';
import { encodeBatch, encodeOp } from '../processor/apply-batch.ts';
import { defaultBatches } from './default-batches.ts';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '40000' },
    rounds: { type: 'string', default: '9' },
  },
});
const limit = Number(values.entries);
const rounds = Number(values.rounds);
const SHA = '0'.repeat(40);

const { count, batches } = await defaultBatches(limit);

/** The string arguments apply-batch.lua took before they were packed. */
function stringArgs(batch: BatchToApply): { keys: string[]; args: string[] } {
  const keys = [CHECKPOINT_KEY, FENCE_KEY];
  const keyIndex = new Map<string, number>();
  const args = [String(batch.epoch), batch.stream, batch.firstId, batch.lastId];
  let record: string | undefined;
  batch.ops.forEach((op, index) => {
    const entryId = batch.opEntryIds?.[index];
    if (entryId !== undefined && entryId !== record) {
      args.push('R', entryId);
      record = entryId;
    }
    let key = keyIndex.get(op.key);
    if (key === undefined) {
      keys.push(op.key);
      key = keys.length;
      keyIndex.set(op.key, key);
    }
    encodeOp(op, String(key), args);
  });
  return { keys, args };
}

function cpuMs(work: () => void): number {
  const started = process.cpuUsage();
  work();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

const variants = {
  strings: () => {
    for (const batch of batches) {
      const { keys, args } = stringArgs(batch);
      const wire = new Command('evalsha', [SHA, keys.length, ...keys, ...args]).toWritable({});
      // The socket encodes a string command as UTF-8.
      if (typeof wire === 'string') Buffer.from(wire);
    }
  },
  packed: () => {
    for (const batch of batches) {
      const { keys, args } = encodeBatch(batch);
      new Command('evalsha', [SHA, keys.length, ...keys, args]).toWritable({});
    }
  },
};
const times = new Map<string, number[]>();
for (let round = 0; round < rounds; round += 1) {
  for (const [name, run] of Object.entries(variants)) {
    times.set(name, [...(times.get(name) ?? []), cpuMs(run)]);
  }
}
console.log(`${count} entries in ${batches.length} batches, ${rounds} rounds`);
for (const [name, list] of times) {
  const sorted = [...list].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  const per = (ms: number) => ((ms * 1000) / count).toFixed(2);
  console.log(`${name}: ${per(median)} µs per entry (median; min ${per(sorted[0] ?? 0)})`);
}
