// The alert rules and the example Prometheus config, checked by Prometheus' own promtool:
// syntax (check rules, check config) and behaviour (test rules: each alert fires on the series
// that should trigger it and stays quiet otherwise). Every alert must have a test case.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const DIR = import.meta.dirname;
const run = promisify(execFile);

async function promtool(...args: string[]): Promise<string> {
  const { stdout, stderr } = await run('promtool', args, { cwd: DIR });
  return stdout + stderr;
}

describe('Prometheus alert rules', () => {
  it('pass promtool check rules', async () => {
    expect(await promtool('check', 'rules', 'alerts.yml')).toMatch(/SUCCESS: 10 rules found/);
  });

  it('pass their promtool unit tests', async () => {
    expect(await promtool('test', 'rules', 'alerts.test.yml')).toContain('SUCCESS');
  });

  it('each have a unit test that expects them to fire', async () => {
    const rules = parse(await readFile(join(DIR, 'alerts.yml'), 'utf8')) as {
      groups: { rules: { alert?: string }[] }[];
    };
    const tests = parse(await readFile(join(DIR, 'alerts.test.yml'), 'utf8')) as {
      tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
    };
    const firing = new Set(
      tests.tests.flatMap((t) =>
        (t.alert_rule_test ?? [])
          .filter((c) => (c.exp_alerts ?? []).length > 0)
          .map((c) => c.alertname),
      ),
    );
    const alerts = rules.groups.flatMap((g) => g.rules.map((r) => r.alert ?? ''));
    expect(alerts.filter((name) => !firing.has(name))).toEqual([]);
  });

  it('are loaded by the example config, which passes promtool check config', async () => {
    const output = await promtool('check', 'config', 'prometheus.yml');
    expect(output).toContain('prometheus.yml is valid');
    expect(output).toMatch(/SUCCESS: 10 rules found/);
  });
});
