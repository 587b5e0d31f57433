// The job and trace commands of `sluice` in-process against a running API: `test` (pass, fail
// with diffs, exit 5), `dry-run`, `list-jobs`, `describe-job` and `trace`.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../common/free-port.ts';
import {
  configYaml,
  PASSWORD,
  PEOPLE_JOB,
  USER,
  useApiFixture,
} from '../api/testing/api-fixture.ts';
import type { CliIo } from './cli-io.ts';
import { EXIT } from './exit-codes.ts';
import { runCli } from './program.ts';

const api = useApiFixture();
let home = '';

beforeAll(async () => {
  const port = await freePort();
  await api.app.listen({ host: '127.0.0.1', port });
  home = await mkdtemp(join(tmpdir(), 'sluice-cli-jobs-'));
  expect((await sluice(`context add local http://127.0.0.1:${port} ${USER}`)).code).toBe(EXIT.ok);
  await api.rdi.hset('sluice:secrets', 'SOURCE_DB_PASSWORD', 'pw');
  const created = await api.call({
    method: 'POST',
    url: '/api/v2/pipelines',
    payload: { name: 'default', config: configYaml(api.rdiPort), jobs: { people: PEOPLE_JOB } },
  });
  expect(created.statusCode).toBe(201);
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

const TESTED_JOB = `${PEOPLE_JOB}tests:
  - name: adults are written
    input:
      - key: { id: 1 }
        after: { id: 1, age: 30 }
    expect:
      commands:
        - [DEL, 'people:id:1']
        - [HSET, 'people:id:1', id, '1', age, '30']
  - name: children are filtered
    input:
      - key: { id: 2 }
        after: { id: 2, age: 3 }
    expect:
      commands: []
`;

async function folder(jobs: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(home, 'pipeline-'));
  await mkdir(join(dir, 'jobs'));
  await writeFile(join(dir, 'config.yaml'), configYaml(api.rdiPort));
  for (const [name, text] of Object.entries(jobs))
    await writeFile(join(dir, 'jobs', `${name}.yaml`), text);
  return dir;
}

describe('sluice job commands', () => {
  it('test: passes, then fails with diffs and exit code 5', async () => {
    const good = await sluice(`test ${await folder({ people: TESTED_JOB })}`);
    expect(good.err).toBe('');
    expect(good.code).toBe(EXIT.ok);
    expect(good.out).toContain('PASS  people: adults are written');
    expect(good.out).toContain('2 passed, 0 failed');
    const broken = TESTED_JOB.replace("age, '30']", "age, '31']");
    const bad = await sluice(`test ${await folder({ people: broken })}`);
    expect(bad.code).toBe(EXIT.invalid);
    expect(bad.out).toContain('FAIL  people: adults are written');
    expect(bad.out).toMatch(/commands\[1\]\[5\]: expected "31", got "30"/);
    expect(bad.err).toContain('1 of 2 job tests failed');
    const json = await sluice(`test ${await folder({ people: TESTED_JOB })} -o json`);
    expect(JSON.parse(json.out)).toMatchObject({ passed: 2, failed: 0 });
    const invalid = await sluice(`test ${await folder({ people: 'source: {}\n' })}`);
    expect(invalid.code).toBe(EXIT.invalid);
    expect(invalid.err).toContain('people.yaml:1:');
  });

  it('dry-run: prints records and commands from a job file and an input file', async () => {
    const dir = await mkdtemp(join(home, 'dry-'));
    await writeFile(join(dir, 'job.yaml'), PEOPLE_JOB);
    await writeFile(
      join(dir, 'input.json'),
      JSON.stringify([
        { id: 1, age: 30 },
        { id: 2, age: 3 },
        { id: 1, age: 30, opcode: 'd' },
      ]),
    );
    const run = await sluice([
      'dry-run',
      '--job',
      join(dir, 'job.yaml'),
      '--input',
      join(dir, 'input.json'),
    ]);
    expect(run.code).toBe(EXIT.ok);
    expect(run.out).toContain('#0  inserted');
    expect(run.out).toContain('> HSET people:id:1 id 1 age 30');
    expect(run.out).toContain('#1  filtered');
    expect(run.out).toContain('#2  deleted');
    await writeFile(join(dir, 'bad.yaml'), PEOPLE_JOB.replace('age > 17', 'age >'));
    const bad = await sluice([
      'dry-run',
      '--job',
      join(dir, 'bad.yaml'),
      '--input',
      join(dir, 'input.json'),
    ]);
    expect(bad.code).toBe(EXIT.invalid);
    expect(bad.err).toContain('JOB_INVALID');
  });

  it('list-jobs and describe-job show the deployed jobs', async () => {
    const list = await sluice('list-jobs');
    expect(list.code).toBe(EXIT.ok);
    expect(list.out).toMatch(
      /NAME\s+TABLE\s+TRANSFORMS\s+OUTPUTS\npeople\s+people\s+filter\s+hash/,
    );
    const one = await sluice('describe-job people');
    expect(one.out).toContain('Transforms:  filter');
    expect(one.out).toContain('expression: age > 17');
    const missing = await sluice('describe-job nope');
    expect(missing.code).toBe(EXIT.notFound);
  });

  it('trace: captures new records and prints what the job does', async () => {
    await api.rdi.xadd('data:pg.public.people', '*', 'value', '{"op":"c","after":{"id":0}}');
    const pending = sluice('trace --count 1 --timeout 20');
    for (;;) {
      const clients = (await api.rdi.call('CLIENT', 'LIST')) as string;
      if (clients.includes('cmd=xread')) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const after = { id: 5, age: 44 };
    const source = { db: 'shop', schema: 'public', table: 'people' };
    await api.rdi.xadd(
      'data:pg.public.people',
      '*',
      'key',
      '{"id":5}',
      'value',
      JSON.stringify({ op: 'c', after, source }),
    );
    const run = await pending;
    expect(run.code).toBe(EXIT.ok);
    expect(run.out).toContain('job people  inserted');
    expect(run.out).toContain('after:  {"id":5,"age":44}');
    expect(run.out).toContain('> HSET people:id:5 id 5 age 44');
    expect((await sluice('trace --count 0')).code).toBe(EXIT.invalid);
  });
});
