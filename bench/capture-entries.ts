// Captures the benchmark's 200,000 change entries from a real Debezium Server: starts PostgreSQL,
// an RDI Redis and Debezium (properties rendered from a config.yaml) through the e2e harness,
// applies a fixed mix of changes, then dumps every stream with XRANGE into the cache. Idempotent.
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { renderDebeziumProperties } from '../debezium-config/render-properties.ts';
import { ProcessRegistry } from '../harness/process-registry.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { streamKey } from '../pipeline/redis-keys.ts';
import { BENCH_TABLES, ROUND_MIX, ROUNDS } from './bench-tables.ts';
import { benchCacheDir, entriesFile, entriesMetaFile } from './bench-paths.ts';
import { writeEntries, type CapturedEntry } from './entries-file.ts';
import { BENCH_SOURCE, benchPipelineConfig, entryFormatKey } from './entries-format.ts';

const SOURCE = BENCH_SOURCE;
const EXPECTED = ROUNDS * BENCH_TABLES.length * 1_000;
const log = (message: string): void => {
  console.log(`[capture ${new Date().toISOString().slice(11, 19)}] ${message}`);
};

async function main(): Promise<void> {
  const file = entriesFile();
  if (await exists(file)) {
    log(`${file} already exists; nothing to do (delete it to capture again).`);
    return;
  }
  await mkdir(benchCacheDir(), { recursive: true });
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-capture-'));
  await chmod(dir, 0o755); // PostgreSQL runs as user `postgres` when this runs as root.
  const registry = new ProcessRegistry();
  let ok = false;
  try {
    // Up to several GB: the streams hold 200k entries (a few KB each in the schema-ful format).
    const stack = await startStack({ source: 'postgresql', dir, registry, rdiMaxmemory: '8gb' });
    log(`PostgreSQL :${stack.source.port}, RDI Redis :${stack.rdi.port}`);
    await stack.source.query(BENCH_TABLES.map((t) => t.ddl).join(';\n'));
    await startCapture(stack);
    const rdi = new Redis(stack.rdi.url);
    const streams = BENCH_TABLES.map((t) => streamKey(SOURCE, 'public', t.name));
    try {
      const started = Date.now();
      await generateChanges(stack);
      log(`changes committed in ${Date.now() - started} ms; waiting for Debezium`);
      await waitForEntries(rdi, streams);
      log(`all ${EXPECTED} entries in the streams after ${Date.now() - started} ms; dumping`);
      const size = { bytes: 0, count: 0 };
      await writeEntries(file, dumpStreams(rdi, streams, size));
      const averageBytes = Math.round(size.bytes / Math.max(size.count, 1));
      const [[pgVersion = '?'] = []] = await stack.source.query('SHOW server_version');
      await writeFile(
        entriesMetaFile(),
        `${JSON.stringify(
          {
            capturedAt: new Date().toISOString(),
            debezium:
              '3.6.1.Final (Redis sink, extended format, as rendered by render-properties.ts)',
            format: entryFormatKey(),
            postgres: pgVersion,
            entries: EXPECTED,
            tables: BENCH_TABLES.map((t) => t.name),
            perTable: {
              inserts: ROUND_MIX.inserts * ROUNDS,
              updates: ROUND_MIX.updates * ROUNDS,
              deletes: ROUND_MIX.deletes * ROUNDS,
            },
            averageEntryBytes: averageBytes,
          },
          null,
          2,
        )}\n`,
      );
      log(`wrote ${file} (${(await stat(file)).size} bytes)`);
      ok = true;
    } finally {
      await rdi.quit();
    }
  } finally {
    await registry.stopAll();
    if (ok) await rm(dir, { recursive: true, force: true });
    else log(`kept ${dir} for its logs`);
  }
}

/** Renders Debezium's properties from a config.yaml as the pipeline does, then starts it. */
async function startCapture(stack: Stack<'postgresql'>): Promise<void> {
  const config = benchPipelineConfig(stack.source.database, {
    SOURCE_DB_HOST: stack.source.host,
    SOURCE_DB_PORT: String(stack.source.port),
    SOURCE_DB_USERNAME: stack.source.user,
    SOURCE_DB_PASSWORD: stack.source.password,
    TARGET_DB_HOST: stack.target.host,
    TARGET_DB_PORT: String(stack.target.port),
  });
  const rendered = renderDebeziumProperties(config, SOURCE, {
    host: stack.rdi.host,
    port: stack.rdi.port,
  });
  await stack.startDebezium(rendered.properties, rendered.env);
  // Changes made once the slot is streaming are captured; the (empty) snapshot is then done.
  const slotActive = async (): Promise<boolean> => {
    const rows = await stack.source.query('SELECT active FROM pg_replication_slots');
    return rows.some(([active]) => active === 't');
  };
  const deadline = Date.now() + 120_000;
  while (!(await slotActive())) {
    if (Date.now() > deadline) throw new Error('Debezium never opened its replication slot');
    await sleep(200);
  }
  log('Debezium is streaming');
}

/** 50 rounds; per round and table: insert 600 new rows, update 300 recent ones, delete the 100 oldest. */
async function generateChanges(stack: Stack<'postgresql'>): Promise<void> {
  const { host, port, user, password, database } = stack.source;
  const client = new pg.Client({ host, port, user, password, database });
  await client.connect();
  try {
    const { inserts, updates, deletes } = ROUND_MIX;
    for (let round = 0; round < ROUNDS; round++) {
      const insertFrom = round * inserts + 1;
      // Updates hit rows of the previous round (of this one in round 0); never a deleted row.
      const updateFrom = round === 0 ? updates + 1 : insertFrom - updates;
      const deleteFrom = round * deletes + 1;
      for (const table of BENCH_TABLES) {
        const counts = [
          await client.query(table.insert(insertFrom, insertFrom + inserts - 1)),
          await client.query(table.update(updateFrom, updateFrom + updates - 1, round)),
          await client.query(
            `DELETE FROM ${table.name} WHERE id BETWEEN ${deleteFrom} AND ${deleteFrom + deletes - 1}`,
          ),
        ].map((result) => result.rowCount);
        if (counts.join() !== `${inserts},${updates},${deletes}`) {
          throw new Error(`round ${round} of ${table.name} changed ${counts.join('/')} rows`);
        }
      }
    }
  } finally {
    await client.end();
  }
}

async function waitForEntries(rdi: Redis, streams: readonly string[]): Promise<void> {
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const lengths = await Promise.all(streams.map((s) => rdi.xlen(s)));
    const total = lengths.reduce((a, b) => a + b, 0);
    if (total >= EXPECTED) {
      if (total > EXPECTED) throw new Error(`found ${total} entries, expected ${EXPECTED}`);
      return;
    }
    if (total !== last) {
      log(`${total} entries so far`);
      last = total;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > 120_000) {
      throw new Error(`stuck at ${total} of ${EXPECTED} entries for 2 minutes`);
    }
    await sleep(1_000);
  }
}

/** Every entry of every stream, in id order; adds each entry's bytes (names and values) to `size`. */
async function* dumpStreams(
  rdi: Redis,
  streams: readonly string[],
  size: { bytes: number; count: number },
): AsyncGenerator<CapturedEntry> {
  for (const stream of streams) {
    let start = '-';
    for (;;) {
      const page = await rdi.xrange(stream, start, '+', 'COUNT', 2_000);
      for (const [id, fields] of page) {
        for (const part of fields) size.bytes += Buffer.byteLength(part);
        size.count += 1;
        yield { stream, id, fields };
      }
      const lastId = page.at(-1)?.[0];
      if (lastId === undefined || page.length < 2_000) break;
      start = `(${lastId}`;
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

await main();
