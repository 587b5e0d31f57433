// The api against schemathesis (property-based testing from the served OpenAPI document):
// the real app on a real socket, logged in, every check (`--checks all`: no server errors,
// every status, header and body as the document says, negative data refused, auth not
// ignored, unsupported methods answered 405), bounded examples and a fixed seed, so a run is
// repeatable. schemathesis comes from scripts/install-schemathesis.sh (pinned, in a venv); the
// few documented exceptions to its assumptions are in api/schemathesis.toml.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configYaml, PEOPLE_JOB, useApiFixture } from './testing/api-fixture.ts';

const ROOT = join(import.meta.dirname, '..');
const SEED = 20261204;
const MAX_EXAMPLES = 15;

// A trace waits up to `timeout_ms` (2 minutes at most): cut short so the run stays bounded.
const api = useApiFixture({ maxTraceWaitMs: 200 });
let baseUrl = '';
const WORK_DIR = mkdtempSync(join(tmpdir(), 'sluice-schemathesis-'));

function run(program: string, args: readonly string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    // schemathesis keeps a cache folder (.schemathesis/) in its working folder: not the checkout.
    const child = spawn(program, args, { cwd: WORK_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      resolve({ code: code ?? -1, output });
    });
  });
}

beforeAll(async () => {
  // Something for the reads to find: a pipeline named like RDI's, with a job, and a secret.
  await api.rdi.hset('sluice:secrets', 'SOURCE_DB_PASSWORD', 'pw');
  const created = await api.call({
    method: 'PUT',
    url: '/api/v2/pipelines/default',
    payload: { config: configYaml(api.rdiPort), jobs: { people: PEOPLE_JOB } },
  });
  expect(created.statusCode).toBe(200);
  baseUrl = await api.app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(() => {
  rmSync(WORK_DIR, { recursive: true, force: true });
});

describe('schemathesis', () => {
  it('finds no server error and no status, header or body outside the document', async () => {
    const installed = await run('bash', [join(ROOT, 'scripts', 'install-schemathesis.sh')]);
    expect(installed.code, installed.output).toBe(0);
    const program = installed.output.trim().split('\n').pop() ?? '';
    const token = await api.token();
    const result = await run(program, [
      '--config-file',
      join(ROOT, 'api', 'schemathesis.toml'),
      '--no-color',
      'run',
      `${baseUrl}/openapi.json`,
      '--checks',
      'all',
      '--max-examples',
      String(MAX_EXAMPLES),
      '--seed',
      String(SEED),
      '--workers',
      '1',
      '--header',
      `Authorization: Bearer ${token}`,
      '--request-timeout',
      '60',
      // Introspection of posted connection details would reach hosts schemathesis invents;
      // tests only talk to 127.0.0.1. Its checks are in source-schemas.integration.test.ts.
      '--exclude-path',
      '/api/v2/source-schemas',
    ]);
    expect(result.code, result.output).toBe(0);
    // About half a minute alone; room for a loaded CI machine (and a first install).
  }, 600_000);
});
