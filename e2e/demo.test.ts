// The README's demo, as a user runs it: `node demo/run-demo.ts --changes 3` starts the
// servers, the API and the operator and deploys demo/pipeline with the CLI. Meanwhile this
// test polls `scripts/sluice status -o json` (the real CLI, with the context the demo prints)
// until the phase is `cdc`. The phase must only move forward; the snapshot's record, kept by
// the operator and served by the API, must show the initial sync (its start, Debezium done
// reading, every row applied) with the seeded numbers; the per-table counts must hold every
// seeded row at the first `cdc`. Then the demo's changes and one of ours reach the target,
// the counts match the source, and Ctrl-C (SIGINT) leaves no process and no folder behind.
import { access } from 'node:fs/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { scanKeys } from '../common/redis-scan.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import {
  CliFailure,
  FATAL_EXIT_CODES,
  printed,
  sluice,
  startDemo,
} from './support/demo-process.ts';
import { descendants, listProcesses, stillRunning } from './support/process-tree.ts';

const TABLES = ['customers', 'products', 'orders', 'order_items'] as const;
// A poll can land between the deploy (stored as stopped) and the operator acting on the start:
// stopped and not_running are both "before starting".
const PHASE_RANK: Readonly<Record<string, number>> = {
  stopped: 0,
  not_running: 0,
  starting: 1,
  initial_sync: 2,
  cdc: 3,
};

const ctx = useTestContext();
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers) await close().catch(() => undefined);
});

interface StreamCounts {
  table: string;
  total: number;
  inserted: number;
  updated: number;
  deleted: number;
}

interface Observed {
  phase: string;
  snapshot?: Record<string, number | boolean>;
  streams: StreamCounts[];
}

function counts(observed: Observed, table: string): StreamCounts | undefined {
  return observed.streams.find((s) => s.table === `shop.public.${table}`);
}

describe('the demo', () => {
  it('syncs under the operator, shows initial sync then CDC, and stops cleanly', async () => {
    const demo = startDemo(ctx.registry, ['--changes', '3']);
    const folder = (await printed(demo, 'its folder', /^Working folder: (\S+)$/m))[1] ?? '';
    const pgPort = (await printed(demo, 'PostgreSQL', /PostgreSQL +127\.0\.0\.1:(\d+)/))[1];
    const targetPort = (await printed(demo, 'the target', /Target Redis 127\.0\.0\.1:(\d+)/))[1];
    const db = new pg.Client({
      host: '127.0.0.1',
      port: Number(pgPort),
      user: 'sluice',
      password: 'sluice',
      database: 'shop',
    });
    await db.connect();
    db.on('error', () => undefined);
    closers.push(() => db.end());
    const target = new Redis(`redis://127.0.0.1:${targetPort}`);
    target.on('error', () => undefined);
    closers.push(() => target.quit());
    // The demo changes data only once it has seen CDC: these are the seeded rows.
    const sourceCounts = async (): Promise<Record<string, number>> => {
      const found: Record<string, number> = {};
      for (const t of TABLES) {
        const r = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${t}`);
        found[t] = Number(r.rows[0]?.n);
      }
      return found;
    };
    const seeded = await sourceCounts();
    const seededTotal = Object.values(seeded).reduce((sum, n) => sum + n, 0);
    expect(seededTotal).toBeGreaterThan(20_000);

    const exportLine = await printed(
      demo,
      'the CLI context',
      /export SLUICE_CONFIG_DIR=(\S+) SLUICE_CACHE_DIR=(\S+)/,
    );
    const exports = {
      SLUICE_CONFIG_DIR: exportLine[1] ?? '',
      SLUICE_CACHE_DIR: exportLine[2] ?? '',
    };
    await printed(demo, 'the deploy', /Deployed pipeline 'default'/);

    // Poll the status with the CLI until CDC; every answer is kept.
    const observed: Observed[] = [];
    let fatal: string | undefined;
    await waitFor(
      'the phase to become cdc',
      async () => {
        const text = await sluice(exports, ['status', '-o', 'json']).catch((error: unknown) => {
          if (error instanceof CliFailure && FATAL_EXIT_CODES.includes(error.code ?? 0)) {
            fatal = error.message;
          }
          throw error;
        });
        const status = JSON.parse(text) as Observed;
        observed.push(status);
        return status.phase === 'cdc';
      },
      {
        timeoutMs: 240_000,
        intervalMs: 100,
        abortIf: () => fatal ?? (demo.running() ? undefined : `the demo exited:\n${demo.output()}`),
      },
    );
    const phases = observed.map((o) => o.phase);
    const ranks = phases.map((p) => PHASE_RANK[p] ?? -1);
    expect(
      ranks.every((rank) => rank >= 0),
      phases.join(' '),
    ).toBe(true);
    expect(
      ranks.every((rank, i) => i === 0 || rank >= (ranks[i - 1] ?? 0)),
      phases.join(' '),
    ).toBe(true);
    // Whenever a poll caught the initial sync, it showed the snapshot's progress.
    const syncing = observed.filter((o) => o.phase === 'initial_sync');
    for (const o of syncing) {
      expect(o.snapshot?.completed).toBe(false);
      expect(o.snapshot?.started_at).toEqual(expect.any(Number));
    }
    console.info(`demo e2e: ${observed.length} polls, ${syncing.length} in initial_sync`);

    // The record of the initial sync: it lasted a while, with Debezium's final numbers.
    const first = observed.at(-1) as Observed;
    const snapshot = first.snapshot ?? {};
    expect(snapshot).toMatchObject({
      completed: true,
      captured: true,
      tables_total: 4,
      tables_completed: 4,
      rows_scanned: seededTotal,
    });
    const { started_at: started, captured_at: captured, completed_at: completed } = snapshot;
    expect(Number(started)).toBeLessThan(Number(completed));
    expect(Number(captured)).toBeGreaterThanOrEqual(Number(started));
    expect(Number(captured)).toBeLessThanOrEqual(Number(completed));
    // At the first cdc every seeded row is in (products are only ever updated by the demo).
    for (const table of TABLES) {
      expect(counts(first, table)?.inserted, table).toBeGreaterThanOrEqual(seeded[table] ?? 0);
    }
    expect(counts(first, 'products')?.inserted).toBe(seeded.products);

    // The demo's three changes, each seen in Redis with its latency or as deleted.
    await printed(demo, 'the end of its changes', /^Made 3 changes\.$/m);
    const changeLines = demo.output().match(/^(INSERT|UPDATE|DELETE|no |nothing ).*$/gm) ?? [];
    expect(changeLines).toHaveLength(3);
    for (const line of changeLines) {
      if (/(INSERT|UPDATE|DELETE) \w+ \w+=/.test(line)) expect(line).toMatch(/ \d+ ms /);
    }

    // A change of ours reaches the target.
    const inserted = await db.query<{ id: number }>(
      `INSERT INTO customers (name, email, country) VALUES ('Test Person', 'e2e@example.com', 'NL') RETURNING id`,
    );
    const key = `customers:id:${inserted.rows[0]?.id}`;
    await waitFor(
      `${key} in the target`,
      async () => (await target.hget(key, 'name')) === 'Test Person',
      {
        timeoutMs: 60_000,
      },
    );

    // Statistics and target keys match the source, table by table.
    const source = await sourceCounts();
    await waitFor(
      'the per-table counts to match the source',
      async () => {
        const status = JSON.parse(await sluice(exports, ['status', '-o', 'json'])) as Observed;
        for (const table of TABLES) {
          const c = counts(status, table);
          const keys = (await scanKeys(target, `${table}:*`)).length;
          const live = (c?.inserted ?? 0) - (c?.deleted ?? 0);
          if (live !== source[table] || keys !== source[table]) {
            throw new Error(`${table}: source ${source[table]}, counts ${live}, keys ${keys}`);
          }
        }
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );

    // Ctrl-C: everything the demo started stops, and its folder goes.
    const tree = await descendants(demo.pid);
    const commands = tree.map((p) => p.command).join('\n');
    for (const part of ['redis-server', 'postgres', 'api/server.ts', 'operator-main.ts', 'java']) {
      expect(commands).toContain(part);
    }
    expect(commands).toContain('processor/main.ts');
    process.kill(demo.pid, 'SIGINT');
    const code = await Promise.race([
      demo.exited,
      new Promise<'timeout'>((resolve) =>
        setTimeout(() => {
          resolve('timeout');
        }, 120_000),
      ),
    ]);
    expect(code, demo.output().slice(-2000)).toBe(0);
    expect(demo.output()).toMatch(/^Stopped\.$/m);
    expect(await stillRunning(tree)).toEqual([]);
    const mentions = (await listProcesses()).filter((p) => p.command.includes(folder));
    expect(mentions).toEqual([]);
    await expect(access(folder)).rejects.toThrow();
  });
});
