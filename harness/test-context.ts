// Per-test-file environment for vitest e2e tests: a temporary folder, a process registry whose
// servers are always stopped (those started in a test after it, the rest after the file), and
// the logs of a failed test copied to e2e/logs/<file>/<test>/. Call useTestContext() at top level.
import { chmod, cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { ProcessRegistry } from './process-registry.ts';

export interface TestContext {
  /** Temporary folder of this test file; available from beforeAll on. */
  readonly dir: string;
  readonly registry: ProcessRegistry;
}

const LOGS_ROOT = join(import.meta.dirname, '..', 'e2e', 'logs');
// What is copied for a failed test: logs and the rendered configuration, not data files.
const KEPT_FILE = /\.(log|properties)$/;

export function useTestContext(): TestContext {
  const registry = new ProcessRegistry();
  let dir: string | undefined;
  let fileName = 'unknown';
  let failed = false;
  let mark = 0;

  // Vitest requires a destructuring pattern for the (unused) fixture context.
  beforeAll(async ({}, suite) => {
    fileName = basename(suite.file.name).replace(/\.test\.ts$/, '');
    dir = await mkdtemp(join(tmpdir(), `sluice-${fileName}-`));
    // PostgreSQL runs as user `postgres` when the tests run as root and must reach its folder.
    await chmod(dir, 0o755);
  });

  beforeEach((ctx) => {
    mark = registry.size;
    ctx.onTestFailed(async () => {
      // Runs after afterEach: the servers of this test are stopped and their logs complete.
      failed = true;
      await copyLogs(ctx.task.fullTestName, fileName, dir);
    });
  });

  afterEach(async () => {
    await registry.stopFrom(mark);
  });

  afterAll(async ({}, suite) => {
    try {
      await registry.stopAll();
    } finally {
      const setupFailed = (suite.result?.errors?.length ?? 0) > 0;
      if (setupFailed) await copyLogs('beforeAll', fileName, dir);
      if (dir !== undefined) {
        if (failed || setupFailed) {
          console.warn(`e2e: kept ${dir}; logs copied to ${join(LOGS_ROOT, fileName)}`);
        } else {
          await rm(dir, { recursive: true, force: true });
        }
      }
    }
  });

  return {
    get dir() {
      if (dir === undefined) throw new Error('the test context is ready only from beforeAll on');
      return dir;
    },
    registry,
  };
}

async function copyLogs(
  testName: string,
  fileName: string,
  dir: string | undefined,
): Promise<void> {
  if (dir === undefined) return;
  const target = join(LOGS_ROOT, fileName, safeName(testName));
  await rm(target, { recursive: true, force: true });
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile() || !KEPT_FILE.test(entry.name)) continue;
    const source = join(entry.parentPath, entry.name);
    await cp(source, join(target, relative(dir, source)));
  }
}

function safeName(name: string): string {
  return name.replace(/[^\w.-]+/g, '_').slice(0, 120);
}
