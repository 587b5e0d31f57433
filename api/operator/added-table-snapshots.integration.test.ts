// The operator's side of adding a table, against a real Redis: the record of captured tables,
// the signal file written before a collector starts, the signal repeated at each start until a
// collector reports its snapshot completed.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedis } from '../../harness/redis.ts';
import { useTestContext } from '../../harness/test-context.ts';
import { parsePipelineConfig } from '../../pipeline/load-config.ts';
import { DEBEZIUM_OFFSETS_KEY, pipelineCapturedTablesKey } from '../../pipeline/redis-keys.ts';
import { AddedTableSnapshots, collectorSignalFile } from './added-table-snapshots.ts';
import { parseCapturedTables } from './added-tables.ts';
import type { CollectorProgress } from './pipeline-phase.ts';
import type { PreparedPipeline } from './pipeline-workspace.ts';

const ctx = useTestContext();
let rdi: Redis;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const clock = { now: () => 1_000 };
const KEY = pipelineCapturedTablesKey('default');

function pipeline(revision: number, tables: string[]): PreparedPipeline {
  const config = parsePipelineConfig(
    [
      'sources:',
      '  shop:',
      '    connection: {type: postgresql, host: h, port: 5432, database: d, user: u}',
      '    tables:',
      ...tables.map((t) =>
        t === 'b' ? '      b: {snapshot_sql: "SELECT * FROM public.b"}' : `      ${t}: {}`,
      ),
      'targets:',
      '  target:',
      '    connection: {host: h, port: 1}',
      '',
    ].join('\n'),
    'config.yaml',
    {},
  );
  const source = config.sources['shop'];
  if (source?.connection === undefined) throw new Error('the config has the source');
  return {
    name: 'default',
    revision,
    config,
    source: { name: 'shop', connection: source.connection },
    slotName: 'sluice_shop',
    dir: join(ctx.dir, `pipeline-${revision}`),
    configFile: 'config.yaml',
    secrets: {},
    httpPort: 0,
  };
}

const done: CollectorProgress = {
  snapshotRunning: false,
  snapshotCompleted: true,
  streamingConnected: true,
  tablesTotal: 1,
  tablesRemaining: 0,
  rowsScanned: 10,
};

async function signal(p: PreparedPipeline): Promise<unknown> {
  const text = await readFile(collectorSignalFile(p.dir), 'utf8').catch(() => '');
  return text === '' ? undefined : (JSON.parse(text) as { data: unknown }).data;
}

beforeAll(async () => {
  const server = await startRedis({ dir: `${ctx.dir}/rdi`, registry: ctx.registry });
  rdi = new Redis(server.url);
});
afterAll(async () => {
  await rdi.quit();
});
beforeEach(async () => {
  await rdi.flushall();
  for (const revision of [1, 2, 3])
    await rm(join(ctx.dir, `pipeline-${revision}`), { force: true, recursive: true });
});

describe('AddedTableSnapshots', () => {
  it('signals a blocking snapshot of the added table only, until a collector completes it', async () => {
    const added = new AddedTableSnapshots({ rdi, name: 'default', clock, logger: silent });
    const first = pipeline(1, ['a']);
    // First start, no offsets: the initial snapshot reads everything.
    await added.beforeCollectorStart(first, true);
    expect(await signal(first)).toBeUndefined();
    await rdi.hset(DEBEZIUM_OFFSETS_KEY, '["redis",{"server":"shop"}]', '{}');

    const second = pipeline(2, ['a', 'b']);
    await added.beforeCollectorStart(second, true);
    const expected = {
      'data-collections': ['public\\.b'],
      type: 'blocking',
      'additional-conditions': [
        { 'data-collection': 'public.b', filter: 'SELECT * FROM public.b' },
      ],
    };
    expect(await signal(second)).toEqual(expected);
    expect(parseCapturedTables(await rdi.get(KEY))).toEqual({
      source: 'shop',
      tables: ['public.a', 'public.b'],
      pending: ['public.b'],
    });

    // The collector died before its snapshot completed: the next start signals again.
    await rm(collectorSignalFile(second.dir));
    await added.observe({ ...done, snapshotCompleted: false });
    await added.beforeCollectorStart(second, true);
    expect(await signal(second)).toEqual(expected);

    // Completed: nothing pending, nothing signalled at the next start, and a line no collector
    // read is removed.
    await added.observe(done);
    expect(parseCapturedTables(await rdi.get(KEY))?.pending).toEqual([]);
    await added.beforeCollectorStart(second, true);
    expect(await signal(second)).toBeUndefined();
    const third = pipeline(3, ['a', 'b']);
    await mkdir(third.dir, { recursive: true });
    await added.beforeCollectorStart(third, true);
    expect(await signal(third)).toBeUndefined();
  });

  it('leaves the signal to the user when the runtime cannot deliver it', async () => {
    const added = new AddedTableSnapshots({ rdi, name: 'default', clock, logger: silent });
    await added.beforeCollectorStart(pipeline(1, ['a']), false);
    await rdi.hset(DEBEZIUM_OFFSETS_KEY, '["redis",{"server":"shop"}]', '{}');
    const second = pipeline(2, ['a', 'b']);
    await added.beforeCollectorStart(second, false);
    expect(await signal(second)).toBeUndefined();
    expect(parseCapturedTables(await rdi.get(KEY))?.pending).toEqual([]);
  });
});
