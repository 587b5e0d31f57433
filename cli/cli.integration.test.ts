// The `sluice` CLI in-process against a running API (listening on a free port) over a real
// RDI database: contexts, token cache, deploy, status, start/stop/reset, DLQ, secrets,
// scaffold, completion, output formats and exit codes.
import { mkdir, mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../common/free-port.ts';
import { dlqKey, pipelineControlKey, statsKey } from '../pipeline/redis-keys.ts';
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
let url = '';
let home = '';

beforeAll(async () => {
  const port = await freePort();
  await api.app.listen({ host: '127.0.0.1', port });
  url = `http://127.0.0.1:${port}`;
  home = await mkdtemp(join(tmpdir(), 'sluice-cli-'));
});
afterAll(async () => {
  await api.app.close();
});

interface Run {
  code: number;
  out: string;
  err: string;
}

async function sluice(
  args: string,
  env: Record<string, string> = { SLUICE_PASSWORD: PASSWORD },
  stdin = '',
): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (text) => (out += text),
    err: (text) => (err += text),
    env,
    configDir: join(home, 'config'),
    cacheDir: join(home, 'cache'),
    interactive: false,
    prompt: () => Promise.reject(new Error('no prompt in tests')),
    readStdin: () => Promise.resolve(stdin),
    now: () => api.clock.now(),
    signal: new AbortController().signal,
  };
  const code = await runCli(
    args.split(' ').filter((a) => a.length > 0),
    io,
  );
  return { code, out, err };
}

async function pipelineDir(config: string, jobs: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(home, 'pipeline-'));
  await mkdir(join(dir, 'jobs'));
  await writeFile(join(dir, 'config.yaml'), config);
  for (const [name, text] of Object.entries(jobs))
    await writeFile(join(dir, 'jobs', `${name}.yaml`), text);
  return dir;
}

describe('sluice', () => {
  it('prints help everywhere and exits 2 on usage errors', async () => {
    expect((await sluice('--help')).code).toBe(EXIT.ok);
    for (const command of [
      'deploy',
      'status',
      'dlq replay',
      'scaffold',
      'context add',
      'set-secret',
    ]) {
      const run = await sluice(`${command} --help`);
      expect(run.code, command).toBe(EXIT.ok);
      expect(run.out, command).toContain('Usage: sluice');
    }
    expect((await sluice('deploy')).code).toBe(EXIT.usage);
    expect((await sluice('nonsense')).code).toBe(EXIT.usage);
    expect((await sluice('list -o xml')).code).toBe(EXIT.usage);
  });

  it('needs a context, then keeps URL and user in a file without secrets', async () => {
    const none = await sluice('list');
    expect(none.code).toBe(EXIT.invalid);
    expect(none.err).toContain('sluice context add');
    expect((await sluice(`context add local ${url} ${USER}`)).code).toBe(EXIT.ok);
    const list = await sluice('context list -o json');
    expect(JSON.parse(list.out)).toEqual([
      { name: 'local', current: true, url, username: USER, pipeline: 'default' },
    ]);
    const info = await sluice('info', {});
    expect(info.out).toBe('sluice test\n');
  });

  it('caches the token privately and never writes the password', async () => {
    await sluice('logout');
    expect((await sluice('login')).code).toBe(EXIT.ok);
    const tokens = join(home, 'cache', 'tokens');
    expect((await stat(tokens)).mode & 0o777).toBe(0o700);
    const [file] = await readdir(tokens);
    expect((await stat(join(tokens, file ?? ''))).mode & 0o777).toBe(0o600);
    for (const path of [join(tokens, file ?? ''), join(home, 'config', 'contexts.yaml')]) {
      expect(await readFile(path, 'utf8')).not.toContain(PASSWORD);
    }
    // The cached token is used: no password needed for the next command.
    expect((await sluice('list', {})).code).toBe(EXIT.ok);
    // Once it expires, the CLI logs in again, and without a password it says so.
    api.clock.advance(3600_000);
    const expired = await sluice('list', {});
    expect(expired.code).toBe(EXIT.auth);
    expect(expired.err).toContain('SLUICE_PASSWORD');
    expect((await sluice('list')).code).toBe(EXIT.ok);
  });

  it('exits 3 on a wrong password and 7 when the API cannot be reached', async () => {
    await sluice('logout');
    const wrong = await sluice('list', { SLUICE_PASSWORD: 'nope' });
    expect(wrong.code).toBe(EXIT.auth);
    expect(wrong.err).toContain('AUTH_FAILED');
    const port = await freePort();
    const down = await sluice(`list --url http://127.0.0.1:${port}`);
    expect(down.code).toBe(EXIT.unavailable);
    expect(down.err).toContain('API_UNREACHABLE');
  });

  it('deploys a folder: problems with locations, dry run, then deploy and start', async () => {
    await api.rdi.flushdb();
    await sluice('logout');
    const dir = await pipelineDir(configYaml(api.rdiPort), {
      people: PEOPLE_JOB,
      broken: 'source: [\n',
    });
    const invalid = await sluice(`deploy --dir ${dir}`);
    expect(invalid.code).toBe(EXIT.invalid);
    expect(invalid.err).toContain('CONFIG_MISSING_SECRET: config.yaml:10:17');
    expect(invalid.err).toContain('CONFIG_YAML_SYNTAX: jobs/broken.yaml:');

    expect(
      (await sluice('set-secret SOURCE_DB_PASSWORD', { SLUICE_PASSWORD: PASSWORD }, 's3cret\n'))
        .code,
    ).toBe(EXIT.ok);
    expect(await api.rdi.hget('sluice:secrets', 'SOURCE_DB_PASSWORD')).toBe('s3cret');
    await writeFile(join(dir, 'jobs', 'broken.yaml'), PEOPLE_JOB.replace('people', 'orders'));
    // A key accepted without effect: the API warns, the CLI prints it at the folder's file.
    await writeFile(
      join(dir, 'config.yaml'),
      `${configYaml(api.rdiPort)}processors:\n  write_batch_size: 500\n`,
    );
    const warning = `warning: ${join(dir, 'config.yaml')}:21:3: processors.write_batch_size has no effect in Sluice: `;

    const dry = await sluice(`deploy --dir ${dir} --dry-run`);
    expect(dry.out).toBe(
      'Valid. Connections tested: sources.pg.connection, targets.target.connection.\n',
    );
    expect(dry.err).toContain(warning);
    expect((await sluice('list -o json')).out).toBe('[]\n');

    const deployed = await sluice(`deploy --dir ${dir} --start`);
    expect(deployed.code).toBe(EXIT.ok);
    expect(deployed.err).toContain(warning);
    expect(deployed.out).toContain(
      "Deployed pipeline 'default' (revision 1, 2 jobs) and asked the operator to start it.",
    );
    expect(await api.rdi.hget(pipelineControlKey('default'), 'desired')).toBe('started');
    const listed = await sluice('list');
    expect(listed.out).toMatch(
      /^NAME\s+STATE\s+REVISION\s+JOBS\s+UPDATED\ndefault\s+started\s+1\s+2\s+\S+\n$/,
    );
    const got = await sluice('get -o yaml');
    expect(got.out).toMatch(/^jobs:\n {2}broken: \|/m);
  });

  it('starts, stops and resets (reset needs --yes without a terminal)', async () => {
    expect((await sluice('stop')).code).toBe(EXIT.ok);
    expect(await api.rdi.hget(pipelineControlKey('default'), 'desired')).toBe('stopped');
    expect((await sluice('start -o json')).out).toContain('"desired_state": "started"');
    expect((await sluice('reset')).code).toBe(EXIT.invalid);
    expect((await sluice('reset --yes')).code).toBe(EXIT.ok);
    expect(await api.rdi.hget(pipelineControlKey('default'), 'reset_generation')).toBe('1');
    expect(await api.rdi.hget(pipelineControlKey('default'), 'reset_target_keys')).toBe('false');
    const dropping = await sluice('reset --yes --drop-target-keys');
    expect(dropping.out).toContain('and delete its target keys');
    expect(
      await api.rdi.hmget(pipelineControlKey('default'), 'reset_generation', 'reset_target_keys'),
    ).toEqual(['2', 'true']);
    expect((await sluice('start -p missing')).code).toBe(EXIT.notFound);
  });

  it('shows status with a per-stream table, as JSON, and live', async () => {
    const stream = 'data:pg.public.people';
    await api.rdi.hset(statsKey(stream), {
      total: 12,
      inserted: 10,
      updated: 1,
      deleted: 1,
      last_arrival: api.clock.now() - 5000,
    });
    await api.rdi.hset(`sluice:pipeline:default:status`, {
      phase: 'initial_sync',
      updated_at: api.clock.now(),
      components: JSON.stringify([{ name: 'collector', state: 'running' }]),
      snapshot: JSON.stringify({ tables_total: 4, tables_completed: 1, rows_scanned: 1200 }),
    });
    const status = await sluice('status');
    expect(status.code).toBe(EXIT.ok);
    expect(status.out).toContain('Phase:        initial sync');
    expect(status.out).toContain(
      'Snapshot:     [########......................] 1/4 tables read, 1,200 rows so far',
    );
    expect(status.out).toContain('Initial sync: 12 rows in the target so far');
    expect(status.out).toMatch(
      /TABLE\s+TOTAL\s+PENDING\s+INSERTED\s+UPDATED\s+DELETED\s+FILTERED\s+REJECTED\s+DLQ\s+LAST ARRIVAL/,
    );
    expect(status.out).toMatch(/pg\.public\.people\s+12\s+0\s+10\s+1\s+1\s+0\s+0\s+0\s+5s ago/);
    const json = JSON.parse((await sluice('describe -o json')).out) as {
      phase: string;
      streams: unknown[];
    };
    expect(json.phase).toBe('initial_sync');
    expect(json.streams).toHaveLength(1);
    const live = await sluice('status --live --interval 0.01 --iterations 3');
    expect(live.out.match(/Pipeline: {5}default/g)).toHaveLength(3);
  });

  it('lists and replays rejected records', async () => {
    const stream = 'data:pg.public.people';
    const id = await api.rdi.xadd(
      dlqKey(stream),
      '*',
      'entry_id',
      '1-1',
      'error_code',
      'ENVELOPE_INVALID',
      'reason',
      'bad json',
      'job',
      'default',
      'time',
      '0',
      'key',
      '{"id":1}',
      'value',
      '{',
    );
    expect((await sluice('list-dlqs')).out).toMatch(/pg\.public\.people\s+1/);
    const records = await sluice('get-rejected people');
    expect(records.out).toContain(`${id ?? ''}  -     ENVELOPE_INVALID  bad json  {"id":1}`);
    expect((await sluice('dlq replay people')).code).toBe(EXIT.invalid);
    const replay = await sluice(`dlq replay pg.public.people --id ${id ?? ''}`);
    expect(replay.out).toBe('Replayed 1 records; 0 remain.\n');
    expect(await api.rdi.xlen(stream)).toBe(1);
    expect((await sluice('list-dlq-records nothing')).code).toBe(EXIT.notFound);
  });

  it('lists and deletes secrets without showing values', async () => {
    expect((await sluice('set-secret TARGET_DB_PASSWORD --from-file /nonexistent')).code).toBe(
      EXIT.failed,
    );
    const file = join(home, 'secret.txt');
    await writeFile(file, 'from-a-file\n');
    expect((await sluice(`set-secret TARGET_DB_PASSWORD --from-file ${file}`)).code).toBe(EXIT.ok);
    expect(await api.rdi.hget('sluice:secrets', 'TARGET_DB_PASSWORD')).toBe('from-a-file');
    const list = await sluice('list-secrets');
    expect(list.out).toBe('NAME\nSOURCE_DB_PASSWORD\nTARGET_DB_PASSWORD\n');
    expect((await sluice('delete-secret TARGET_DB_PASSWORD')).code).toBe(EXIT.ok);
    expect((await sluice('delete-secret TARGET_DB_PASSWORD')).code).toBe(EXIT.notFound);
  });

  it('scaffolds a pipeline folder and refuses to overwrite it', async () => {
    const dir = join(home, 'scaffold');
    const run = await sluice(`scaffold --db-type mariadb --dir ${dir}`);
    expect(run.code).toBe(EXIT.ok);
    expect(await readFile(join(dir, 'config.yaml'), 'utf8')).toContain('type: mariadb');
    expect(await readdir(join(dir, 'jobs'))).toEqual(['example.yaml']);
    expect((await sluice(`scaffold --db-type mariadb --dir ${dir}`)).code).toBe(EXIT.conflict);
    expect((await sluice(`scaffold --db-type mariadb --dir ${dir} --force`)).code).toBe(EXIT.ok);
    expect((await sluice(`scaffold --db-type db2 --dir ${dir}`)).code).toBe(EXIT.usage);
  });

  it('prints shell completion generated from the commands', async () => {
    const bash = await sluice('completion bash');
    expect(bash.out).toContain('complete -o default -F _sluice sluice');
    expect(bash.out).toContain('deploy) opts="--dir -d --dry-run --start');
    expect((await sluice('completion zsh')).out).toContain('bashcompinit');
  });

  it('deletes the pipeline', async () => {
    expect((await sluice('delete')).code).toBe(EXIT.ok);
    expect((await sluice('get')).code).toBe(EXIT.notFound);
  });
});
