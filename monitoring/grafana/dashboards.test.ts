// The committed dashboards: generated from build/dashboards.ts without drift, structurally
// sound for Grafana (unique ids and uids, data source on every panel and target, an expr on
// every target, grid positions inside the 24-column grid without overlaps, every variable a
// query uses defined), and every panel query valid PromQL for promtool once its variables are
// replaced. e2e/dashboards.test.ts runs the same queries on a real Prometheus.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { PROVISIONED_DATASOURCE_UID } from './build/dashboard-model.ts';
import { renderedDashboards } from './build/write-dashboards.ts';
import {
  allPanels,
  DASHBOARD_DIR,
  loadDashboards,
  substitute,
  variablesIn,
  type Dashboard,
} from './dashboard-queries.ts';

const run = promisify(execFile);
/** What a variable stands for when a query is checked (Grafana's built-ins included). */
const TEST_VARIABLES = {
  exporter_job: 'sluice-exporter',
  collector_job: 'sluice-collector',
  pipeline: 'default',
  data_source: '.*',
  __rate_interval: '1m',
};

const dashboards = await loadDashboards();

describe('Grafana dashboards', () => {
  it('are the three dashboards, committed exactly as build/dashboards.ts generates them', async () => {
    const rendered = await renderedDashboards();
    expect([...rendered.keys()].sort()).toEqual([...dashboards.keys()]);
    for (const [file, text] of rendered) {
      expect(await readFile(join(DASHBOARD_DIR, file), 'utf8'), file).toBe(text);
    }
    expect([...dashboards.keys()]).toEqual([
      'sluice-collector.json',
      'sluice-overview.json',
      'sluice-processor.json',
    ]);
  });

  it('have unique uids and titles', () => {
    const all = [...dashboards.values()];
    expect(new Set(all.map((d) => d.uid)).size).toBe(all.length);
    expect(new Set(all.map((d) => d.title)).size).toBe(all.length);
  });

  for (const [file, dashboard] of dashboards) {
    describe(file, () => {
      const panels = allPanels(dashboard);
      const queryPanels = panels.filter((p) => p.type !== 'row');
      const variables = (dashboard.templating?.list ?? []).map((v) => v.name);

      it('has a Prometheus data source variable defaulting to the provisioned uid', () => {
        const ds = dashboard.templating?.list?.find((v) => v.name === 'datasource') as
          { type?: string; query?: string; current?: { value?: string } } | undefined;
        expect(ds).toMatchObject({ type: 'datasource', query: 'prometheus' });
        expect(ds?.current?.value).toBe(PROVISIONED_DATASOURCE_UID);
      });

      it('has unique panel ids, and panels with a title and a description', () => {
        const ids = panels.map((p) => p.id);
        expect(ids.every((id) => Number.isInteger(id))).toBe(true);
        expect(new Set(ids).size).toBe(ids.length);
        for (const p of queryPanels) {
          expect(p.title, `panel ${p.id}`).toBeTruthy();
          expect(p.description, `panel ${p.title}`).toBeTruthy();
        }
        expect(queryPanels.length).toBeGreaterThan(8);
      });

      it('sets the data source variable on every panel and target, and an expr on every target', () => {
        for (const p of queryPanels) {
          expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
          expect(p.targets?.length, p.title).toBeGreaterThan(0);
          const refIds = (p.targets ?? []).map((t) => t.refId);
          expect(new Set(refIds).size, p.title).toBe(refIds.length);
          for (const t of p.targets ?? []) {
            expect(t.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
            expect(t.expr?.trim(), p.title).toBeTruthy();
          }
        }
      });

      it('places panels inside the 24-column grid without overlaps', () => {
        const cells = new Set<string>();
        for (const p of panels) {
          const { x = -1, y = -1, w = 0, h = 0 } = p.gridPos ?? {};
          for (const n of [x, y, w, h]) expect(Number.isInteger(n), p.title).toBe(true);
          expect(x >= 0 && y >= 0 && w >= 1 && h >= 1 && x + w <= 24, p.title).toBe(true);
          for (let i = x; i < x + w; i++) {
            for (let j = y; j < y + h; j++) {
              const cell = `${i},${j}`;
              expect(cells.has(cell), `${p.title} overlaps at ${cell}`).toBe(false);
              cells.add(cell);
            }
          }
        }
      });

      it('uses only variables it defines (or Grafana built-ins)', () => {
        const used = queryPanels.flatMap((p) =>
          (p.targets ?? []).flatMap((t) => variablesIn(t.expr ?? '')),
        );
        const known = new Set([...variables, '__rate_interval']);
        expect([...new Set(used)].filter((name) => !known.has(name))).toEqual([]);
      });
    });
  }

  it('has only valid PromQL, by promtool check rules (every query as a recording rule)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-dashboards-'));
    try {
      const rules = [...dashboards.values()].flatMap(exprsOf);
      const file = join(dir, 'queries.yml');
      await writeFile(
        file,
        stringify({
          groups: [
            {
              name: 'panels',
              rules: rules.map((r, i) => ({
                record: `panel:query_${i}`,
                expr: substitute(r, TEST_VARIABLES),
              })),
            },
          ],
        }),
      );
      const { stdout } = await run('promtool', ['check', 'rules', file]);
      expect(stdout).toContain(`SUCCESS: ${rules.length} rules found`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

function exprsOf(dashboard: Dashboard): string[] {
  return allPanels(dashboard).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
}
