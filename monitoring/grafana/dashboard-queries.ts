// Reads the committed dashboard JSON the way Grafana would: every panel with its targets, and
// each target's PromQL with the template variables replaced by chosen values. Used by the
// structural unit test and by the e2e test that runs every panel's query on Prometheus.

import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export const DASHBOARD_DIR = join(import.meta.dirname, 'dashboards');

export interface DashboardTarget {
  readonly refId?: string;
  readonly expr?: string;
  readonly datasource?: { readonly type?: string; readonly uid?: string };
  readonly instant?: boolean;
}

export interface DashboardPanel {
  readonly id?: number;
  readonly type?: string;
  readonly title?: string;
  readonly description?: string;
  readonly datasource?: { readonly type?: string; readonly uid?: string };
  readonly gridPos?: { x?: number; y?: number; w?: number; h?: number };
  readonly targets?: readonly DashboardTarget[];
  readonly panels?: readonly DashboardPanel[];
}

export interface Dashboard {
  readonly uid?: string;
  readonly title?: string;
  readonly panels?: readonly DashboardPanel[];
  readonly templating?: { readonly list?: readonly { name?: string; type?: string }[] };
}

export async function loadDashboards(dir = DASHBOARD_DIR): Promise<Map<string, Dashboard>> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const dashboards = new Map<string, Dashboard>();
  for (const file of files) {
    dashboards.set(file, JSON.parse(await readFile(join(dir, file), 'utf8')) as Dashboard);
  }
  return dashboards;
}

/** Every panel, including those nested in collapsed rows. */
export function allPanels(dashboard: Dashboard): DashboardPanel[] {
  const out: DashboardPanel[] = [];
  const visit = (panels: readonly DashboardPanel[] | undefined): void => {
    for (const p of panels ?? []) {
      out.push(p);
      visit(p.panels);
    }
  };
  visit(dashboard.panels);
  return out;
}

/** `$name`, `${name}` and `[[name]]` references in a query. */
export function variablesIn(expr: string): string[] {
  const names = new Set<string>();
  for (const m of expr.matchAll(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g)) {
    const name = m[1] ?? m[2] ?? m[3];
    if (name !== undefined) names.add(name);
  }
  return [...names];
}

/**
 * The query with each variable replaced by `values[name]`; throws on a variable without a
 * value, so that a new variable cannot slip through unreplaced.
 */
export function substitute(expr: string, values: Readonly<Record<string, string>>): string {
  return expr.replace(
    /\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g,
    (whole, a: string | undefined, b: string | undefined, c: string | undefined) => {
      const name = a ?? b ?? c ?? '';
      const value = values[name];
      if (value === undefined) throw new Error(`no value for ${whole} in ${expr}`);
      return value;
    },
  );
}
