// The web UI in a real browser (Debian's Chromium through playwright-core) against the real
// stack of the demo: PostgreSQL with the shop database, the RDI database, the target Redis,
// `node api/server.ts` serving the built UI, and the operator running Debezium Server and the
// processor. A user logs in with the keyboard, opens the demo pipeline, breaks a job and sees
// the loader's error inline, fixes it, dry-runs records, deploys and starts the pipeline,
// watches the phase reach CDC, poisons a record, fixes the job and replays the record from
// the DLQ, traces a change and logs out. Each main screen is saved as a screenshot and checked
// with axe-core; no Content-Security-Policy violation may show up in the console.
import { spawnSync } from 'node:child_process';
import { access, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { Redis } from 'ioredis';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiLoginResult, ApiPipeline, ApiPipelineBody } from '../api/schemas/api-types.ts';
import { startDemoStack, type DemoStack } from '../demo/demo-stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import {
  cspViolations,
  seriousViolations,
  startBrowser,
  type UiBrowser,
} from './support/ui-browser.ts';

const REPO = join(import.meta.dirname, '..');
const SCREENSHOTS = join(REPO, 'e2e', 'logs', 'ui-screenshots');

const JOB = (fallback: string): string => `# Customers with a display name; a customer needs a name.
source:
  schema: public
  table: customers
transform:
  - uses: add_field
    with:
      field: display_name
      expression: "$length(name) > 0 ? name : ${fallback}"
      language: jsonata
output:
  - uses: redis.write
    with:
      data_type: hash
`;
const STRICT_JOB = JOB(`$error('a customer needs a name')`);
const LENIENT_JOB = JOB(`'(no name)'`);
const BROKEN_JOB = STRICT_JOB.replace('transform:', 'transfrom:');

const ctx = useTestContext();
let stack: DemoStack;
let browser: UiBrowser | undefined;
let page: Page;
let target: Redis | undefined;
/** Console errors and uncaught exceptions of the page. */
let consoleProblems: readonly string[] = [];

async function api<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function expectAccessible(): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
}

/** Replaces the text of the code editor as a user would: select all, then paste. */
async function setEditorText(text: string): Promise<void> {
  await page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(text)})`);
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+V');
}

async function openScreen(label: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('link', { name: label })
    .click();
  await page.getByRole('heading', { level: 1, name: new RegExp(`^${label}`) }).waitFor();
}

function targetRedis(): Redis {
  if (target === undefined) throw new Error('no target connection');
  return target;
}

async function source(sql: string): Promise<void> {
  await stack.source.query(sql);
}

async function deploy(): Promise<void> {
  await openScreen('Pipeline editor');
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  await page.getByText(/^Deployed pipeline 'default' \(revision \d+\)/).waitFor();
}

beforeAll(async () => {
  try {
    await access(join(REPO, 'ui', 'dist', 'index.html'));
  } catch {
    // The API serves what `npm run build:ui` wrote; scripts/bootstrap.sh builds it too.
    const built = spawnSync(process.execPath, [join(REPO, 'ui', 'build-ui.ts')], {
      cwd: REPO,
      stdio: 'inherit',
    });
    if (built.status !== 0) throw new Error('npm run build:ui failed');
  }
  await mkdir(SCREENSHOTS, { recursive: true });
  stack = await startDemoStack(ctx.dir, ctx.registry, () => undefined);
  target = new Redis(stack.target.url);

  // What scripts/demo.sh does with the CLI: secrets, then the demo pipeline with one job.
  const login = await fetch(`${stack.apiUrl}/api/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'default', password: stack.rdiPassword }),
  });
  const { access_token: token } = (await login.json()) as ApiLoginResult;
  const secrets = {
    SOURCE_DB_HOST: stack.source.host,
    SOURCE_DB_PORT: String(stack.source.port),
    SOURCE_DB_USERNAME: stack.source.user,
    SOURCE_DB_PASSWORD: stack.source.password,
    TARGET_DB_HOST: stack.target.host,
    TARGET_DB_PORT: String(stack.target.port),
  };
  for (const [name, value] of Object.entries(secrets)) {
    await api('PUT', `/api/v2/secrets/${name}`, token, { value });
  }
  const config = await readFile(join(REPO, 'demo', 'pipeline', 'config.yaml'), 'utf8');
  await api<ApiPipeline>('PUT', '/api/v2/pipelines/default', token, {
    config,
    jobs: { customers: STRICT_JOB },
  } satisfies ApiPipelineBody);

  browser = await startBrowser(ctx.dir);
  page = browser.page;
  consoleProblems = browser.problems;
});

afterAll(async () => {
  await browser?.close();
  target?.disconnect();
});

describe('web UI', () => {
  it('is served at / with a strict Content-Security-Policy, and logs in with the keyboard', async () => {
    await browser?.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: stack.apiUrl,
    });
    const response = await page.goto(`${stack.apiUrl}/`);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    await page.getByRole('heading', { name: 'Sluice' }).waitFor();
    await screenshot('login');
    await expectAccessible();

    // Keyboard only: Tab to each field, Enter submits.
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate('document.activeElement?.name')).toBe('username');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('default');
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate('document.activeElement?.name')).toBe('password');
    await page.keyboard.type(stack.rdiPassword);
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Screens' }).waitFor();
    // The token stays in memory: nothing in the browser's storage.
    const stored = await page.evaluate(
      'JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])',
    );
    expect(stored).toBe('[[],[],""]');
  });

  it('opens the demo pipeline, shows a broken job inline at its line, and clears it when fixed', async () => {
    await page.getByText("Loaded pipeline 'default'").waitFor();
    const files = page.getByRole('navigation', { name: 'Pipeline files' });
    await expect
      .poll(() => files.getByRole('button').allTextContents())
      .toEqual(expect.arrayContaining(['config.yaml', 'jobs/customers.yaml']));
    await files.getByRole('button', { name: 'jobs/customers.yaml' }).click();
    await page.getByRole('heading', { name: 'jobs/customers.yaml' }).waitFor();

    await setEditorText(BROKEN_JOB);
    const problems = page.getByRole('region', { name: 'Problems' });
    // The loader's message, at the line and column of the misspelt key (line 5, column 1).
    await problems.getByText('jobs/customers.yaml:5:1').waitFor();
    await expect.poll(() => problems.textContent()).toMatch(/unknown key 'transfrom'/);
    await page.locator('.cm-lintRange-error').first().waitFor();
    await screenshot('editor-error');
    await expectAccessible();
    // Completion from the job schema: at the top level, `tra` offers `transform`.
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\ntra');
    await page
      .locator('.cm-tooltip-autocomplete .cm-completionLabel')
      .getByText('transform', { exact: true })
      .waitFor();
    await page.keyboard.press('Escape');

    await setEditorText(STRICT_JOB);
    await problems.getByText('Problems (0)').waitFor();
    await expect.poll(() => page.locator('.cm-lintRange-error').count()).toBe(0);
    // A secret set in the panel is listed by name; its value never comes back.
    const secrets = page.getByRole('complementary', { name: 'Secrets' });
    await secrets.getByLabel('Name', { exact: true }).fill('UI_TEST_TOKEN');
    await secrets.getByLabel('Value', { exact: true }).fill('not shown anywhere');
    await secrets.getByRole('button', { name: 'Set secret' }).click();
    await secrets.getByText('Secret UI_TEST_TOKEN set.').waitFor();
    await secrets.getByRole('button', { name: 'Delete secret UI_TEST_TOKEN' }).waitFor();
    expect(await page.content()).not.toContain('not shown anywhere');
    await page.getByRole('button', { name: 'Validate' }).click();
    await page.getByText(/^Valid\. Connections tested: /).waitFor();
    expect(await page.getByRole('region', { name: 'Warnings' }).count()).toBe(0);

    // A config key accepted without effect: the API's warning, at its line, styled as one.
    const config = await readFile(join(REPO, 'demo', 'pipeline', 'config.yaml'), 'utf8');
    await files.getByRole('button', { name: 'config.yaml' }).click();
    await page.getByRole('heading', { name: 'config.yaml' }).waitFor();
    await setEditorText(`${config}  write_batch_size: 500\n`);
    await page.getByRole('button', { name: 'Validate' }).click();
    await page.getByText(/^Valid\. Connections tested: .* \(1 warning below\)$/).waitFor();
    const warnings = page.getByRole('region', { name: 'Warnings' });
    await warnings.getByText('config.yaml:28:3').waitFor();
    await expect
      .poll(() => warnings.textContent())
      .toMatch(/processors\.write_batch_size has no effect in Sluice/);
    await problems.getByText('Problems (0)').waitFor();
    await page.locator('.cm-lintRange-warning').first().waitFor();
    expect(await page.locator('.cm-lintRange-error').count()).toBe(0);
    // With config.yaml open: a file long enough to scroll, whose scroller must be reachable.
    await expectAccessible();
    await setEditorText(config);
    await expect.poll(() => warnings.count()).toBe(0);

    // The folder as a zip, and back.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download zip' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('default.zip');
    const zipPath = join(ctx.dir, 'default.zip');
    await download.saveAs(zipPath);
    const zipped = unzipSync(new Uint8Array(await readFile(zipPath)));
    expect(Object.keys(zipped).sort()).toEqual([
      'default/config.yaml',
      'default/jobs/customers.yaml',
    ]);
    expect(strFromU8(zipped['default/jobs/customers.yaml'] ?? new Uint8Array())).toBe(STRICT_JOB);
    await page.getByLabel('Upload zip').setInputFiles(zipPath);
    await page.getByText('Loaded 2 files from default.zip').waitFor();
    await screenshot('editor');
  });

  it('dry-runs a job: record, output and Redis commands side by side', async () => {
    await openScreen('Job dry run');
    await page.getByRole('combobox', { name: /^Job\b/ }).selectOption('customers');
    await page.getByLabel(/^Input records/).fill(
      JSON.stringify([
        { id: 1, name: 'Ada', email: 'ada@example.com', country: 'GB' },
        { id: 2, name: '', email: 'nobody@example.com', country: 'NL' },
      ]),
    );
    await page.getByRole('button', { name: 'Run dry run' }).click();
    const results = page.getByRole('table', { name: 'Dry run results' });
    await results.waitFor();
    await expect.poll(() => results.locator('tbody tr').count()).toBe(2);
    const first = await results.locator('tbody tr').nth(0).textContent();
    expect(first).toContain('inserted');
    expect(first).toContain('HSET customers:id:1');
    expect(first).toContain('"display_name": "Ada"');
    const second = await results.locator('tbody tr').nth(1).textContent();
    expect(second).toContain('rejected');
    expect(second).toContain('a customer needs a name');
    await screenshot('dry-run');
    await expectAccessible();
  });

  it('deploys and starts the pipeline, and shows the phase reach CDC live', async () => {
    await openScreen('Pipeline editor');
    await page.getByLabel('Start after deploy').check();
    await deploy();
    await openScreen('Status');
    const phase = page.getByTestId('phase');
    await phase.waitFor();
    await expect
      .poll(() => phase.textContent(), { timeout: 240_000, interval: 1000 })
      .toBe('Change streaming (CDC)');
    await page.getByRole('rowheader', { name: 'shop.public.customers' }).waitFor();
    await screenshot('status');
    await expectAccessible();

    // Reset asks first, in a modal dialog that the keyboard reaches and Escape cancels.
    await page.getByRole('button', { name: 'Reset…' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Reset default?' });
    await dialog.waitFor();
    await dialog.getByLabel("Also delete the target keys of the pipeline's tables").waitFor();
    await expectAccessible();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => phase.textContent()).toBe('Change streaming (CDC)');
  });

  it('shows a rejected record in the DLQ and replays it after the job is fixed', async () => {
    await source(
      "INSERT INTO customers (id, name, email, country) VALUES (900001, '', 'poison@example.com', 'NL')",
    );
    await openScreen('Dead letters');
    const reason = page.getByText(/a customer needs a name/).first();
    await waitFor(
      'the rejected record in the DLQ screen',
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return reason.isVisible();
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    const row = page.locator('table.dlq tbody tr').first();
    expect(await row.textContent()).toContain('customers');
    await row.getByRole('button', { name: /^View original/ }).click();
    await page.getByText(/Entry \d+-\d+ of the change stream/).waitFor();
    await screenshot('dlq');
    await expectAccessible();

    // The fix: the job names nameless customers instead of rejecting them.
    await openScreen('Pipeline editor');
    await page
      .getByRole('navigation', { name: 'Pipeline files' })
      .getByRole('button', { name: /^jobs\/customers\.yaml/ })
      .click();
    await setEditorText(LENIENT_JOB);
    await deploy();
    // The operator restarts the processor with the new job: until then a nameless customer is
    // still rejected. One more every few seconds, until one comes through named.
    const probes: number[] = [];
    await waitFor(
      'the fixed job in the processor',
      async () => {
        for (const id of probes) {
          if ((await targetRedis().hget(`customers:id:${id}`, 'display_name')) === '(no name)') {
            return true;
          }
        }
        const id = 900100 + probes.length;
        probes.push(id);
        await source(
          `INSERT INTO customers (id, name, email, country) VALUES (${id}, '', 'probe-${id}@example.com', 'NL')`,
        );
        return false;
      },
      { timeoutMs: 180_000, intervalMs: 3000 },
    );
    expect(await targetRedis().exists('customers:id:900001')).toBe(0);

    await openScreen('Dead letters');
    const poisoned = page.locator('table.dlq tbody tr').filter({ hasText: '{"id":900001}' });
    await waitFor(
      'the record in the DLQ list',
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return (await poisoned.count()) > 0;
      },
      { timeoutMs: 30_000, intervalMs: 1000 },
    );
    await poisoned.first().getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Replay selected (1)' }).click();
    await page.getByText(/^Replayed 1 records of shop\.public\.customers/).waitFor();
    await waitFor(
      'the replayed record in the target',
      async () => (await targetRedis().hget('customers:id:900001', 'display_name')) === '(no name)',
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  });

  it('traces the next change: record, job output and Redis commands', async () => {
    await openScreen('Trace');
    await page.getByLabel('Changes').fill('1');
    await page.getByRole('button', { name: 'Trace' }).click();
    await page.getByText(/^Waiting up to/).waitFor();
    await source("UPDATE customers SET country = 'FR' WHERE id = 1");
    const table = page.getByRole('table', { name: 'Traced changes' });
    await table.waitFor({ timeout: 30_000 });
    const text = await table.textContent();
    expect(text).toContain('data:shop.public.customers');
    expect(text).toContain('updated (job customers)');
    expect(text).toContain('HSET customers:id:1');
    await screenshot('trace');
    await expectAccessible();
  });

  it('logs out, and no Content-Security-Policy violation was reported', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByText('You are logged out.').waitFor();
    await page.getByLabel('Password').waitFor();
    expect(cspViolations(consoleProblems)).toEqual([]);
    expect(consoleProblems.filter((p) => p.startsWith('uncaught'))).toEqual([]);
  });
});
