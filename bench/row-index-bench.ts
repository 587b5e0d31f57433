// Cost of the row index (docs/jobs.md, "Row index") in the apply step alone: the same batches
// of hash writes keyed by a computed key, applied by apply-batch.lua with and without the
// row-index op, to a real redis-server started here. Prints records/s of inserts and of
// updates that move every key, and the index's memory per row.
//   node bench/row-index-bench.ts [--rows 50000] [--batch 200] [--rounds 3]
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { applyBatch } from '../processor/apply-batch.ts';
import { rowIndexKey } from '../processor/core/row-index.ts';
import type { WriteOp } from '../processor/core/write-plan.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '50000' },
    batch: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
  },
});
const rows = Number(values.rows);
const batchSize = Number(values.batch);
const rounds = Number(values.rounds);
const stream = 'data:bench.public.customers';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

function record(id: number, generation: number, indexed: boolean): WriteOp[] {
  const email = `user${id}.g${generation}@example.org`;
  const hash: WriteOp = {
    kind: 'hash',
    key: `customer:${email}`,
    fields: [
      ['id', String(id)],
      ['email', email],
      ['name', `Customer ${id}`],
      ['city', 'Lisbon'],
      ['balance', '1234.56'],
    ],
    keep: [],
  };
  if (!indexed) return [hash];
  const index: WriteOp = {
    kind: 'row-index',
    key: rowIndexKey(stream),
    row: JSON.stringify({ id: String(id) }),
    deleted: false,
  };
  return [index, hash];
}

let entry = 0;
/** Redis time per record in the script (INFO commandstats), less noisy than wall time. */
const scriptMicros: Record<string, number[]> = {};

async function pass(
  redis: Redis,
  generation: number,
  indexed: boolean,
  name: string,
): Promise<number> {
  await redis.call('CONFIG', 'RESETSTAT');
  const start = performance.now();
  for (let first = 0; first < rows; first += batchSize) {
    const ops: WriteOp[] = [];
    const opEntryIds: string[] = [];
    const firstId = `${entry + 1}-0`;
    for (let id = first; id < Math.min(rows, first + batchSize); id++) {
      entry += 1;
      for (const op of record(id, generation, indexed)) {
        ops.push(op);
        opEntryIds.push(`${entry}-0`);
      }
    }
    await applyBatch(redis, {
      stream,
      firstId,
      lastId: `${entry}-0`,
      epoch: 0,
      ops,
      opEntryIds,
    });
  }
  const seconds = (performance.now() - start) / 1000;
  const stats = String(await redis.call('INFO', 'commandstats'));
  const usec = /cmdstat_evalsha:calls=\d+,usec=(\d+)/.exec(stats)?.[1];
  (scriptMicros[name] ??= []).push(Number(usec ?? 0) / rows);
  return rows / seconds;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const dir = await mkdtemp(join(tmpdir(), 'sluice-row-index-bench-'));
const port = await freePort();
const server = spawn(
  'redis-server',
  ['--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir],
  { stdio: 'ignore' },
);
try {
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
  redis.on('error', () => undefined); // refused while the server starts: retried below
  for (let i = 0; i < 50; i++) {
    try {
      await redis.connect();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const results: Record<string, number[]> = {};
  const add = (name: string, value: number) => (results[name] ??= []).push(value);
  let indexBytes = 0;
  for (let round = 0; round < rounds; round++) {
    for (const indexed of [false, true]) {
      await redis.flushall();
      entry = 0;
      const label = indexed ? 'indexed' : 'plain';
      add(`${label} insert`, await pass(redis, 0, indexed, `${label} insert`));
      // Updates in place, then (indexed) updates that move every key: old key DEL via the index.
      add(`${label} update`, await pass(redis, 0, indexed, `${label} update`));
      if (indexed) add('indexed move', await pass(redis, 1, indexed, 'indexed move'));
      if (indexed) {
        indexBytes = Number(
          await redis.call('MEMORY', 'USAGE', rowIndexKey(stream), 'SAMPLES', '0'),
        );
        // A truncate is one script call over every row: how long Redis is busy with it.
        const start = performance.now();
        entry += 1;
        const truncate: WriteOp = { kind: 'truncate', key: rowIndexKey(stream) };
        let calls = 0;
        let longest = 0;
        for (;;) {
          const call = performance.now();
          const result = await applyBatch(redis, {
            stream,
            firstId: `${entry}-0`,
            lastId: `${entry}-0`,
            epoch: 0,
            ops: [truncate],
          });
          calls += 1;
          longest = Math.max(longest, performance.now() - call);
          if (result.applied !== 'partial') break;
        }
        add('truncate calls', calls);
        add('longest call ms', longest);
        add('truncate all ms', performance.now() - start);
        if ((await redis.dbsize()) !== 1) throw new Error('the truncate left keys behind');
      }
    }
  }
  for (const [name, list] of Object.entries(results)) {
    const unit = name.endsWith(' ms') ? ' ms' : name.endsWith('calls') ? '' : ' records/s';
    console.log(`${name.padEnd(16)} ${Math.round(median(list)).toLocaleString('en')}${unit}`);
  }
  for (const [name, list] of Object.entries(scriptMicros)) {
    console.log(`script µs/record ${name}: ${median(list).toFixed(2)}`);
  }
  console.log(`index memory    ${(indexBytes / rows).toFixed(1)} bytes per row (${rows} rows)`);
  await redis.quit();
} finally {
  server.kill();
  await rm(dir, { recursive: true, force: true });
}
