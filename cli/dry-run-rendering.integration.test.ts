// processors.type_rendering in job dry-runs: the API's `type_rendering` body field (decoding of
// Debezium values, hash text of booleans), and `sluice dry-run`, which takes it from the job's
// pipeline folder (config.yaml beside the jobs folder) or from --type-rendering.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configYaml, PASSWORD, USER, useApiFixture } from '../api/testing/api-fixture.ts';
import { freePort } from '../common/free-port.ts';
import type { CliIo } from './cli-io.ts';
import { EXIT } from './exit-codes.ts';
import { runCli } from './program.ts';

const api = useApiFixture();
let home = '';

const JOB = `source:
  table: flags
output:
  - uses: redis.write
    with:
      data_type: hash
`;

/** A Debezium JSON value (with its schema) of an insert: a date (epoch days) and a boolean. */
const ROW_FIELDS = [
  { type: 'int32', optional: false, field: 'id' },
  { type: 'int32', optional: true, name: 'io.debezium.time.Date', field: 'day' },
  { type: 'boolean', optional: true, field: 'on' },
];
const DEBEZIUM_VALUE = {
  schema: {
    type: 'struct',
    fields: [
      { type: 'struct', optional: true, field: 'before', fields: ROW_FIELDS },
      { type: 'struct', optional: true, field: 'after', fields: ROW_FIELDS },
      { type: 'struct', optional: false, field: 'source', fields: [] },
      { type: 'string', optional: false, field: 'op' },
    ],
  },
  payload: {
    op: 'c',
    before: null,
    after: { id: 1, day: 19_782, on: true },
    source: { db: 'shop', schema: 'public', table: 'flags' },
  },
};

const SLUICE_HSET = ['HSET', 'flags:id:1', 'id', '1', 'day', '2024-02-29', 'on', 'true'];
const RDI_HSET = ['HSET', 'flags:id:1', 'id', '1', 'day', '1709164800000', 'on', '1'];

beforeAll(async () => {
  const port = await freePort();
  await api.app.listen({ host: '127.0.0.1', port });
  home = await mkdtemp(join(tmpdir(), 'sluice-cli-rendering-'));
  expect((await sluice(`context add local http://127.0.0.1:${port} ${USER}`)).code).toBe(EXIT.ok);
});
afterAll(async () => {
  await api.app.close();
});

async function sluice(args: readonly string[] | string) {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (text) => (out += text),
    err: (text) => (err += text),
    env: { SLUICE_PASSWORD: PASSWORD },
    configDir: join(home, 'config'),
    cacheDir: join(home, 'cache'),
    interactive: false,
    prompt: () => Promise.reject(new Error('no prompt in tests')),
    readStdin: () => Promise.resolve(''),
    now: () => api.clock.now(),
    signal: new AbortController().signal,
  };
  const argv = typeof args === 'string' ? args.split(' ').filter((a) => a.length > 0) : args;
  const code = await runCli(argv, io);
  return { code, out, err };
}

interface DryRunBody {
  records: unknown[];
  commands: string[][];
}

describe('API job dry-run with type_rendering', () => {
  const dryRun = (extra: object) =>
    api.call({
      method: 'POST',
      url: '/api/v2/pipelines/jobs/dry-run',
      payload: { job: JOB, input_data: DEBEZIUM_VALUE, ...extra },
    });

  it('decodes and writes in the Sluice rendering by default', async () => {
    const response = await dryRun({});
    expect(response.statusCode).toBe(200);
    const body = response.json<DryRunBody>();
    expect(body.records).toEqual([{ id: 1, day: '2024-02-29', on: true }]);
    expect(body.commands[1]).toEqual(SLUICE_HSET);
  });

  it('decodes dates as epoch ms and writes booleans as 1 / 0 with rdi', async () => {
    const response = await dryRun({ type_rendering: 'rdi' });
    expect(response.statusCode).toBe(200);
    const body = response.json<DryRunBody>();
    expect(body.records).toEqual([{ id: 1, day: 1_709_164_800_000, on: true }]);
    expect(body.commands[1]).toEqual(RDI_HSET);
  });

  it('decodes a stream value in the compact format (type descriptor, no schema)', async () => {
    const response = await api.call({
      method: 'POST',
      url: '/api/v2/pipelines/jobs/dry-run',
      payload: {
        job: JOB,
        input_data: { ...DEBEZIUM_VALUE.payload, __sluice_types: '{id:4,day:4@D,on:b}~{id:4}' },
      },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<DryRunBody>();
    expect(body.records).toEqual([{ id: 1, day: '2024-02-29', on: true }]);
    expect(body.commands[1]).toEqual(SLUICE_HSET);
  });

  it('refuses another value with the field named', async () => {
    const response = await dryRun({ type_rendering: 'iso' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('type_rendering');
  });
});

describe('sluice dry-run with a pipeline folder', () => {
  it('takes the rendering from config.yaml beside the jobs folder, or from the option', async () => {
    const dir = await mkdtemp(join(home, 'pipeline-'));
    await mkdir(join(dir, 'jobs'));
    await writeFile(
      join(dir, 'config.yaml'),
      `${configYaml(api.rdiPort)}processors:\n  type_rendering: rdi\n`,
    );
    await writeFile(join(dir, 'jobs', 'flags.yaml'), JOB);
    await writeFile(join(dir, 'input.json'), JSON.stringify(DEBEZIUM_VALUE));
    const args = ['dry-run', '--job', join(dir, 'jobs', 'flags.yaml')];
    const input = ['--input', join(dir, 'input.json'), '-o', 'json'];

    const fromConfig = await sluice([...args, ...input]);
    expect(fromConfig.err).toBe('');
    expect(fromConfig.code).toBe(EXIT.ok);
    expect((JSON.parse(fromConfig.out) as DryRunBody).commands[1]).toEqual(RDI_HSET);

    const chosen = await sluice([...args, ...input, '--type-rendering', 'sluice']);
    expect((JSON.parse(chosen.out) as DryRunBody).commands[1]).toEqual(SLUICE_HSET);

    const wrong = await sluice([...args, ...input, '--type-rendering', 'epoch']);
    expect(wrong.code).toBe(EXIT.invalid);
    expect(wrong.err).toContain('--type-rendering must be one of: sluice, rdi');

    await writeFile(
      join(dir, 'config.yaml'),
      `${configYaml(api.rdiPort)}processors:\n  type_rendering: epoch\n`,
    );
    const badConfig = await sluice([...args, ...input]);
    expect(badConfig.code).toBe(EXIT.invalid);
    expect(badConfig.err).toMatch(/config\.yaml:\d+:\d+: .*type_rendering/);
  });
});
