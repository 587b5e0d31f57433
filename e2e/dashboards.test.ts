// Every panel query of the Grafana dashboards returns data from a real pipeline: PostgreSQL →
// Debezium Server (run by the operator, JMX metrics on a fixed port) → processor → target
// Redis, the real exporter process, and a real Prometheus running monitoring/prometheus/
// prometheus.yml (targets replaced by local ports) with the alert rules. The workload makes
// inserts, updates, deletes, filtered rows, a rejected record (DLQ) and a processor restart,
// then each panel's PromQL from the committed dashboard JSON goes through Prometheus' HTTP API
// with the template variables set as a user would pick them; each must return a number.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { setDesiredState } from '../api/store/control-store.ts';
import { savePipeline } from '../api/store/pipeline-store.ts';
import { freePort } from '../common/free-port.ts';
import { pipelineConfigText } from '../harness/pipeline.ts';
import { startServerProcess } from '../harness/server-process.ts';
import { startStack, type Stack } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import { allPanels, loadDashboards, substitute } from '../monitoring/grafana/dashboard-queries.ts';
import { dlqKey } from '../pipeline/redis-keys.ts';
import {
  component,
  readStatus,
  startOperator,
  waitForDataPlane,
} from './support/operator-process.ts';
import { storeStackSecrets } from './support/operator-pipeline.ts';

const PIPELINE = 'default';
const OPERATOR = 'op-dash';
const ROOT = join(import.meta.dirname, '..');
const PROMETHEUS_DIR = join(ROOT, 'monitoring', 'prometheus');
/** The variables as a user leaves them: the jobs of prometheus.yml, every table. */
const VARIABLES = {
  exporter_job: 'sluice-exporter',
  collector_job: 'sluice-collector',
  pipeline: PIPELINE,
  data_source: '.*',
  // Grafana's max(4 × scrape interval, step); the test scrapes every second.
  __rate_interval: '20s',
};

/**
 * What the workload must show beyond "a number", by panel title (on the largest sample of each
 * of its queries): the rejected record, the restart, the snapshot, the processor's memory.
 */
const WORKLOAD_TRACES: Readonly<Record<string, (largest: number) => boolean>> = {
  'Rejected records in DLQs': (v) => v === 1,
  'DLQ size per stream': (v) => v === 1,
  'Restarts in this term': (v) => v === 1,
  'Processor restarts': (v) => v === 1,
  'Component restarts per hour': (v) => v > 0,
  'Snapshot rows scanned': (v) => v === 150,
  'Snapshot progress': (v) => v === 1,
  Memory: (v) => v > 10_000_000,
};

const ctx = useTestContext();
let stack: Stack<'postgresql'>;
let rdi: Redis;
let target: Redis;
let prometheusUrl: string;

const sql = (text: string): Promise<string[][]> => stack.source.query(text);

interface QueryResult {
  readonly metric: Record<string, string>;
  readonly value?: [number, string];
  readonly values?: [number, string][];
}

async function prometheus(path: string, params: Record<string, string>): Promise<QueryResult[]> {
  const url = `${prometheusUrl}${path}?${new URLSearchParams(params).toString()}`;
  const body = (await (await fetch(url)).json()) as {
    status: string;
    error?: string;
    data?: { result?: QueryResult[] };
  };
  if (body.status !== 'success') throw new Error(`${params.query ?? path}: ${body.error ?? ''}`);
  return body.data?.result ?? [];
}

/** The finite sample values of a query, as Grafana asks for them (instant or range). */
async function panelValues(expr: string, instant: boolean): Promise<number[]> {
  const now = Date.now() / 1000;
  const result = instant
    ? await prometheus('/api/v1/query', { query: expr, time: String(now) })
    : await prometheus('/api/v1/query_range', {
        query: expr,
        start: String(now - 60),
        end: String(now),
        step: '2',
      });
  return result
    .flatMap((r) => (r.value === undefined ? (r.values ?? []) : [r.value]))
    .map(([, v]) => Number(v))
    .filter((v) => Number.isFinite(v));
}

beforeAll(async () => {
  stack = await startStack({ source: 'postgresql', dir: ctx.dir, registry: ctx.registry });
  await sql(`
    CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL, status text NOT NULL);
    CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer NOT NULL,
      amount numeric(10,2) NOT NULL);
    -- Deletes carry the whole old row, so the orders job's expression sees its customer_id
    -- (with only the key, Debezium fills the NOT NULL column with 0, and the delete is rejected).
    ALTER TABLE orders REPLICA IDENTITY FULL;
    INSERT INTO customers SELECT i, 'customer ' || i, 'active' FROM generate_series(1, 50) i;
    INSERT INTO orders SELECT i, 1 + i % 50, i * 1.5 FROM generate_series(1, 100) i;
  `);
  rdi = new Redis(stack.rdi.url);
  target = new Redis(stack.target.url);
  await storeStackSecrets(rdi, stack);
  const config = pipelineConfigText('postgresql', {
    sourceName: 'shop',
    database: stack.source.database,
    tables: ['customers', 'orders'],
    processorSettings: ['read_batch_size: 20'],
  });
  // Test customers are filtered out (filtered counts); an order without a customer fails its
  // job's expression (a rejected record in the DLQ).
  const jobs = {
    customers: [
      'source:',
      '  table: customers',
      'transform:',
      '  - uses: filter',
      '    with:',
      '      language: jmespath',
      "      expression: status != 'test'",
      '',
    ].join('\n'),
    orders: [
      'source:',
      '  table: orders',
      'transform:',
      '  - uses: add_field',
      '    with:',
      '      field: customer',
      '      language: jsonata',
      '      expression: "customer_id = 0 ? $error(\'an order needs a customer\') : customer_id"',
      '',
    ].join('\n'),
  };
  await savePipeline(rdi, PIPELINE, { config, jobs }, { mode: 'create', now: Date.now() });
  await setDesiredState(rdi, PIPELINE, 'started', 'e2e', Date.now());

  const collectorPort = await freePort();
  await startOperator(ctx, OPERATOR, {
    rdiUrl: stack.rdi.url,
    pipeline: PIPELINE,
    leaseMs: 6_000,
    tickMs: 250,
    minPauseMs: 2_000,
    extraArgs: ['--debezium-metrics-port', String(collectorPort)],
  });

  const exporterPort = await freePort();
  await startServerProcess({
    registry: ctx.registry,
    spawn: {
      name: 'exporter',
      command: process.execPath,
      args: [
        join(ROOT, 'api', 'exporter-main.ts'),
        ...['--rdi', stack.rdi.url, '--port', String(exporterPort), '--host', '127.0.0.1'],
        ...['--pipeline', PIPELINE, '--operator-id', OPERATOR],
      ],
      logFile: join(ctx.dir, 'exporter.log'),
    },
    isReady: async () => (await fetch(`http://127.0.0.1:${exporterPort}/metrics`)).ok,
  });

  // The example config as shipped, with local targets, a fast scrape and the rules file.
  const prometheusConfig = parse(
    await readFile(join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8'),
  ) as {
    global: Record<string, string>;
    rule_files: string[];
    scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
  };
  prometheusConfig.global.scrape_interval = '1s';
  prometheusConfig.global.evaluation_interval = '1s';
  prometheusConfig.rule_files = prometheusConfig.rule_files.map((f) => join(PROMETHEUS_DIR, f));
  const targets: Record<string, number> = {
    'sluice-exporter': exporterPort,
    'sluice-collector': collectorPort,
  };
  for (const job of prometheusConfig.scrape_configs) {
    const port = targets[job.job_name];
    if (port === undefined) throw new Error(`prometheus.yml: unexpected job ${job.job_name}`);
    job.static_configs = [{ targets: [`127.0.0.1:${port}`] }];
  }
  expect(prometheusConfig.scrape_configs.map((j) => j.job_name).sort()).toEqual(
    Object.keys(targets).sort(),
  );
  const configFile = join(ctx.dir, 'prometheus.yml');
  await writeFile(configFile, stringify(prometheusConfig));
  const prometheusPort = await freePort();
  prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
  await startServerProcess({
    registry: ctx.registry,
    spawn: {
      name: 'prometheus',
      command: '/usr/bin/prometheus',
      args: [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(ctx.dir, 'prometheus-data')}`,
        `--web.listen-address=127.0.0.1:${prometheusPort}`,
      ],
      logFile: join(ctx.dir, 'prometheus.log'),
    },
    isReady: async () => (await fetch(`${prometheusUrl}/-/ready`)).ok,
  });

  await waitForDataPlane(rdi, PIPELINE, OPERATOR);
  await waitFor(
    'the snapshot rows in the target',
    async () => (await target.exists('customers:id:50', 'orders:id:100')) === 2,
    { timeoutMs: 120_000 },
  );
});

afterAll(async () => {
  await rdi.quit();
  await target.quit();
});

describe('Grafana dashboards on a running pipeline', () => {
  it('runs a workload with every kind of change, a rejected record and a processor restart', async () => {
    // The alerts take increase() of these counters, which sees no increase in a series whose
    // first scraped sample is already above zero: Prometheus must hold a zero of each first.
    await waitFor(
      'Prometheus to have scraped the counters the alerts watch at zero',
      async () => {
        const rejected = await panelValues(
          'rdi_incoming_entries{operation="rejected",data_source="shop.public.orders"} == 0',
          true,
        );
        const restarts = await panelValues(
          'sluice_component_restarts_total{component="processor"} == 0',
          true,
        );
        return rejected.length > 0 && restarts.length > 0;
      },
      { timeoutMs: 120_000 },
    );
    await sql(`
      INSERT INTO customers SELECT i, 'customer ' || i, CASE WHEN i % 3 = 0 THEN 'test' ELSE 'active' END
        FROM generate_series(51, 80) i;
      INSERT INTO orders SELECT i, 1 + i % 50, i * 2 FROM generate_series(101, 200) i;
      UPDATE orders SET amount = amount + 1 WHERE id <= 50;
      DELETE FROM orders WHERE id BETWEEN 90 AND 100;
      INSERT INTO orders VALUES (999, 0, 9.99);
    `);
    // Generous: on a loaded machine Debezium Server may still be starting its streaming.
    await waitFor(
      'the rejected record in the DLQ',
      async () => (await rdi.xlen(dlqKey('data:shop.public.orders'))) > 0,
      { timeoutMs: 180_000 },
    );
    await waitFor(
      'the changes in the target',
      async () => (await target.exists('orders:id:200', 'customers:id:80')) === 2,
      { timeoutMs: 120_000 },
    );
    expect(await target.exists('customers:id:52', 'customers:id:53')).toBe(2);
    // Customers 51..80 with i % 3 = 0 are test customers: filtered out.
    expect(await target.exists('customers:id:51', 'customers:id:54')).toBe(0);
    expect(await target.exists('orders:id:95', 'orders:id:999')).toBe(0);
    expect(await rdi.xlen(dlqKey('data:shop.public.orders'))).toBe(1);

    const before = component(await readStatus(rdi, PIPELINE), 'processor');
    if (before?.pid === undefined) throw new Error('no running processor');
    process.kill(before.pid, 'SIGKILL');
    await waitFor(
      'the processor to be restarted',
      async () => {
        const now = component(await readStatus(rdi, PIPELINE), 'processor');
        return now?.state === 'running' && now.pid !== before.pid && now.restarts === 1;
      },
      { timeoutMs: 120_000 },
    );
  });

  it('returns data for every panel query of every dashboard', async () => {
    // A trickle of changes while the queries run, so that rates over the last seconds and
    // the per-batch averages (rate / rate) have batches to divide by.
    const stop = new AbortController();
    const trickle = (async () => {
      for (let i = 0; !stop.signal.aborted; i++) {
        await sql(`UPDATE orders SET amount = amount + 1 WHERE id = ${1 + (i % 50)}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    const results: {
      panel: string;
      expr: string;
      values: number[];
      trace: ((largest: number) => boolean) | undefined;
    }[] = [];
    try {
      for (const [file, dashboard] of await loadDashboards()) {
        for (const panel of allPanels(dashboard)) {
          const trace = WORKLOAD_TRACES[panel.title ?? ''];
          for (const t of panel.targets ?? []) {
            const expr = substitute(t.expr ?? '', VARIABLES);
            const name = `${file} / ${panel.title ?? ''}`;
            let values: number[] = [];
            // Until the query has a finite sample (and, on a traced panel, the workload's trace:
            // Prometheus may not have scraped the newest numbers yet).
            await waitFor(
              `data for ${name}: ${expr}`,
              async () => {
                values = await panelValues(expr, t.instant === true);
                return values.length > 0 && (trace === undefined || trace(Math.max(...values)));
              },
              { timeoutMs: 90_000, intervalMs: 1_000 },
            ).catch(() => undefined);
            results.push({ panel: name, expr, values, trace });
          }
        }
      }
    } finally {
      stop.abort();
      await trickle;
    }
    const empty = results.filter((r) => r.values.length === 0).map((r) => `${r.panel}: ${r.expr}`);
    expect(empty).toEqual([]);
    expect(results.length).toBeGreaterThan(50);
    const traced = results.filter((r) => r.trace !== undefined);
    const unmet = traced
      .filter((r) => r.trace?.(Math.max(...r.values)) !== true)
      .map((r) => `${r.panel}: largest ${Math.max(...r.values)}`);
    expect(unmet).toEqual([]);
    expect(traced.length).toBeGreaterThanOrEqual(Object.keys(WORKLOAD_TRACES).length);
  });

  it('loads the alert rules, evaluates them without errors and fires on the workload', async () => {
    const url = `${prometheusUrl}/api/v1/rules`;
    const body = (await (await fetch(url)).json()) as {
      data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] };
    };
    const rules = body.data.groups.flatMap((g) => g.rules);
    expect(rules).toHaveLength(10);
    expect(rules.filter((r) => r.health !== 'ok')).toEqual([]);
    const firing = await waitFor(
      'the alerts of the workload to fire',
      async () => {
        const alerts = (await (await fetch(`${prometheusUrl}/api/v1/alerts`)).json()) as {
          data: { alerts: { labels: Record<string, string>; state: string }[] };
        };
        const names = alerts.data.alerts
          .filter((a) => a.state === 'firing')
          .map((a) => `${a.labels.alertname ?? ''} ${a.labels.data_source ?? a.labels.type ?? ''}`);
        if (
          names.includes('SluiceDlqGrowing shop.public.orders') &&
          names.includes('SluiceComponentRestarting processor')
        )
          return names;
        throw new Error(JSON.stringify(names));
      },
      { timeoutMs: 120_000 },
    );
    // Nothing else is wrong with this pipeline.
    expect(firing.sort()).toEqual([
      'SluiceComponentRestarting processor',
      'SluiceDlqGrowing shop.public.orders',
    ]);
  });
});
