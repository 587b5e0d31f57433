// What apply-batch.lua costs the target Redis, per entry: the captured bench entries planned
// by the default job, in batches of 500, applied by the script (as the processor does: checks,
// then the writes and the checkpoint, atomically) against the same writes sent as plain
// pipelined commands (DEL + HSET per row, no checks, no atomicity: the floor). Server CPU from
// INFO cpu around each pass; passes take turns on one fresh Redis; median of the rounds.
//   node bench/apply-script-bench.ts [--entries 100000] [--rounds 7]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { ProcessRegistry } from '../harness/process-registry.ts';
import { startRedis } from '../harness/redis.ts';
import { CHECKPOINT_KEY } from '../pipeline/redis-keys.ts';
import { applyBatch, type BatchToApply } from '../processor/apply-batch.ts';
import { defaultBatches } from './default-batches.ts';
import { redisCpuSeconds } from './measure-consumer.ts';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '7' },
  },
});
const rounds = Number(values.rounds);
const { count, batches } = await defaultBatches(Number(values.entries));

async function viaScript(target: Redis, batch: BatchToApply): Promise<void> {
  const result = await applyBatch(target, batch);
  if (result.applied !== true) throw new Error(`the script did not apply ${batch.firstId}`);
}

async function viaCommands(target: Redis, batch: BatchToApply): Promise<void> {
  const pipeline = target.pipeline();
  for (const op of batch.ops) {
    if (op.kind === 'del') pipeline.del(op.key);
    else if (op.kind === 'hash') {
      pipeline.del(op.key);
      pipeline.hset(op.key, ...op.fields.flat());
    } else throw new Error(`the floor pass sends only hashes and deletes, not ${op.kind}`);
  }
  pipeline.hset(CHECKPOINT_KEY, batch.stream, batch.lastId);
  await pipeline.exec();
}

const passes = { 'apply-batch.lua': viaScript, 'plain commands': viaCommands };
const dir = await mkdtemp(join(tmpdir(), 'sluice-apply-bench-'));
const registry = new ProcessRegistry();
const micros = new Map<string, number[]>();
try {
  const server = await startRedis({ dir, registry });
  const target = new Redis(server.url);
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, pass] of Object.entries(passes)) {
      await target.del(CHECKPOINT_KEY);
      const before = await redisCpuSeconds(target);
      for (const batch of batches) await pass(target, batch);
      const used = (await redisCpuSeconds(target)) - before;
      micros.set(name, [...(micros.get(name) ?? []), (used * 1e6) / count]);
    }
  }
  await target.quit();
} finally {
  await registry.stopAll();
  await rm(dir, { recursive: true, force: true });
}
console.log(`${count} entries in ${batches.length} batches, ${rounds} rounds, target Redis CPU`);
for (const [name, list] of micros) {
  const sorted = [...list].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  console.log(
    `${name}: ${median.toFixed(2)} µs per entry (median; min ${(sorted[0] ?? 0).toFixed(2)})`,
  );
}
