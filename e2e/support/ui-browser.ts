// Debian's Chromium (`chromium` package, /usr/bin/chromium) driven by playwright-core for the
// web UI's tests: headless, in a fresh profile folder, with nothing reaching out to the network
// by itself. Also: axe-core's accessibility check on the current page, and the console lines
// that report a Content-Security-Policy violation.
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.SLUICE_CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface UiBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and uncaught exceptions of the page so far. */
  readonly problems: string[];
  close(): Promise<void>;
}

/** Chromium with a new profile in `<dir>/chromium-profile` (Playwright passes --user-data-dir). */
export async function startBrowser(dir: string): Promise<UiBrowser> {
  const profile = join(dir, 'chromium-profile');
  await mkdir(profile, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => {
    problems.push(`uncaught: ${error.message}`);
  });
  return {
    context,
    page,
    problems,
    close: () => context.close(),
  };
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: string[];
}

let axeSource: string | undefined;

/** axe-core's violations of the page as it is now (WCAG 2 A and AA rules and best practices). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= await readFile(
    createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
    'utf8',
  );
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(axeSource);
  return page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    })))`);
}

/** The violations axe rates serious or critical. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  return (await axeViolations(page)).filter(
    (v) => v.impact === 'serious' || v.impact === 'critical',
  );
}

/** Console lines that say the Content-Security-Policy refused something. */
export function cspViolations(problems: readonly string[]): string[] {
  return problems.filter((line) => /Content Security Policy|Refused to/i.test(line));
}
