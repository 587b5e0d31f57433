// Records real Debezium Server 3.6 stream entries of the all-types tables in several type
// modes (same rows, one Debezium Server per mode), for the type-mode measurement and for the
// converters' unit-test fixtures.
// Usage: node bench/type-modes/capture-entries.ts postgresql|mariadb [variant…] (default: all)
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { renderDebeziumProperties } from '../../debezium-config/render-properties.ts';
import { parsePipelineConfig } from '../../pipeline/load-config.ts';
import { pipelineConfigText } from '../../harness/pipeline.ts';
import { ProcessRegistry } from '../../harness/process-registry.ts';
import { startStack, type SourceKind } from '../../harness/stack.ts';
import { waitFor } from '../../harness/wait-for.ts';
import {
  MARIADB_TYPE_SETUP,
  MARIADB_TYPE_TABLE,
  mariadbTypeInserts,
} from '../../e2e/support/type-table-mariadb.ts';
import {
  POSTGRES_TOAST_TABLE,
  POSTGRES_TYPE_SETUP,
  POSTGRES_TYPE_TABLE,
  postgresToastInsert,
  postgresTypeInserts,
} from '../../e2e/support/type-table-postgres.ts';
import { TYPE_MODE_VARIANTS } from './variants.ts';

const argument = process.argv[2];
if (argument !== 'postgresql' && argument !== 'mariadb') {
  throw new Error('usage: capture-entries.ts postgresql|mariadb');
}
const kind: SourceKind = argument;
const chosen = process.argv.slice(3);
const unknown = chosen.filter((name) => !(name in TYPE_MODE_VARIANTS));
if (unknown.length > 0) throw new Error(`unknown variants: ${unknown.join(', ')}`);
const variants = Object.entries(TYPE_MODE_VARIANTS).filter(
  ([name]) => chosen.length === 0 || chosen.includes(name),
);
const outDir = join(import.meta.dirname, 'captured');
const registry = new ProcessRegistry();
const dir = await mkdtemp(join(tmpdir(), 'sluice-capture-'));
// PostgreSQL runs as user `postgres` when this runs as root and must reach its folder.
await chmod(dir, 0o755);

let ok = false;
try {
  // Debezium's sink refuses to write while used_memory + 30000 × record size passes maxmemory:
  // with value schemas, one entry of the wide type table is ~10 KB, i.e. ~300 MB.
  const stack = await startStack({ source: kind, dir, registry, rdiMaxmemory: '2gb' });
  const sql = (text: string) => stack.source.query(text);
  const tables =
    kind === 'postgresql' ? [POSTGRES_TYPE_TABLE, POSTGRES_TOAST_TABLE] : [MARIADB_TYPE_TABLE];
  if (kind === 'postgresql') {
    await sql(POSTGRES_TYPE_SETUP);
    await sql(postgresTypeInserts(0) + postgresToastInsert(1));
  } else {
    await sql(MARIADB_TYPE_SETUP);
    await sql(mariadbTypeInserts(0));
  }
  const rdi = new Redis(stack.rdi.url);
  const schemaName = kind === 'postgresql' ? 'public' : stack.source.database;
  const stream = (variant: string, table: string) => `data:${variant}.${schemaName}.${table}`;
  const env = {
    SOURCE_DB_HOST: stack.source.host,
    SOURCE_DB_PORT: String(stack.source.port),
    SOURCE_DB_USERNAME: stack.source.user,
    SOURCE_DB_PASSWORD: stack.source.password,
    TARGET_DB_HOST: stack.target.host,
    TARGET_DB_PORT: String(stack.target.port),
  };
  // One server after the other: four JVMs starting at once miss their health deadline on a
  // busy 2-core machine.
  for (const [variant, overrides] of variants) {
    const text = pipelineConfigText(kind, {
      sourceName: variant,
      database: stack.source.database,
      tables,
    });
    const config = parsePipelineConfig(text, 'config.yaml', env);
    const rendered = renderDebeziumProperties(config, variant, {
      host: stack.rdi.host,
      port: stack.rdi.port,
    });
    // An override to '' removes the rendered property (e.g. the converters of older modes).
    const removed = new Set(Object.keys(overrides).filter((k) => overrides[k] === ''));
    const base = rendered.properties
      .split('\n')
      .filter((line) => !removed.has(line.split('=')[0] ?? ''))
      .join('\n');
    const extra = [
      ...Object.entries(overrides)
        .filter(([, v]) => v !== '')
        .map(([k, v]) => `${k}=${v}`),
      // Several servers share the RDI database here: each needs its own schema history.
      `debezium.source.schema.history.internal.redis.key=metadata:history:${variant}`,
    ];
    await stack.startDebezium(`${base}\n${extra.join('\n')}\n`, rendered.env);
  }
  const counts = async (expected: Readonly<Record<string, number>>) => {
    for (const variant of variants.map(([name]) => name)) {
      for (const [table, count] of Object.entries(expected)) {
        const key = stream(variant, table);
        await waitFor(
          `${key} to hold ${count} entries`,
          async () => (await rdi.xlen(key)) >= count,
          {
            timeoutMs: 120_000,
            intervalMs: 200,
          },
        );
      }
    }
  };
  const typeRows = kind === 'postgresql' ? 8 : 5;
  await counts({ [tables[0] ?? '']: typeRows, ...(kind === 'postgresql' ? { toasted: 1 } : {}) });
  if (kind === 'postgresql') {
    await sql(postgresTypeInserts(100) + postgresToastInsert(2));
    await sql(`UPDATE ${POSTGRES_TOAST_TABLE} SET counter = counter + 1`);
    await counts({ [POSTGRES_TYPE_TABLE]: typeRows * 2, toasted: 4 });
  } else {
    await sql(mariadbTypeInserts(100));
    await counts({ [MARIADB_TYPE_TABLE]: typeRows * 2 });
  }
  await mkdir(outDir, { recursive: true });
  for (const variant of variants.map(([name]) => name)) {
    for (const table of tables) {
      const entries = await rdi.xrange(stream(variant, table), '-', '+');
      const lines = entries.map(([id, fields]) => {
        const record: Record<string, string> = { id };
        for (let i = 0; i + 1 < fields.length; i += 2)
          record[fields[i] ?? ''] = fields[i + 1] ?? '';
        return JSON.stringify(record);
      });
      const file = join(outDir, `${kind}-${table}-${variant}.jsonl`);
      await writeFile(file, lines.join('\n') + '\n');
      console.log(`${file}: ${lines.length} entries`);
    }
  }
  await rdi.quit();
  ok = true;
} finally {
  await registry.stopAll();
  if (ok) await rm(dir, { recursive: true, force: true });
  else console.error(`kept ${dir} for its logs`);
}
