// Writes the dashboards of dashboards.ts as JSON into monitoring/grafana/dashboards/:
//   node monitoring/grafana/build/write-dashboards.ts           (write)
//   node monitoring/grafana/build/write-dashboards.ts --check   (exit 1 when a file differs)
// The committed JSON is what Grafana provisions; dashboards.test.ts fails on drift.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { dashboardJson } from './dashboard-model.ts';
import { DASHBOARDS } from './dashboards.ts';

export const DASHBOARD_DIR = join(import.meta.dirname, '..', 'dashboards');

/**
 * File name → the exact text the committed file must hold: formatted by the project's
 * prettier settings, so that `prettier --check .` and the drift check agree.
 */
export async function renderedDashboards(): Promise<Map<string, string>> {
  const rendered = new Map<string, string>();
  for (const [file, spec] of Object.entries(DASHBOARDS)) {
    const path = join(DASHBOARD_DIR, file);
    const options = (await resolveConfig(path)) ?? {};
    rendered.set(
      file,
      await format(JSON.stringify(dashboardJson(spec)), { ...options, filepath: path }),
    );
  }
  return rendered;
}

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  let drift = 0;
  for (const [file, text] of await renderedDashboards()) {
    const path = join(DASHBOARD_DIR, file);
    if (!check) {
      await writeFile(path, text);
      continue;
    }
    const current = await readFile(path, 'utf8').catch(() => '');
    if (current !== text) {
      drift += 1;
      process.stderr.write(`${path} differs from dashboards.ts: run write-dashboards.ts\n`);
    }
  }
  return drift === 0 ? 0 : 1;
}

if (import.meta.main) process.exitCode = await main();
