// `sluice install` for VMs: its units pass `systemd-analyze verify` with no warning; installed
// into a throwaway root (a copy of this machine's user database), it creates the sluice user,
// a private environment file and enabled units; the commands those units run start and serve
// (API /api/v2/info, exporter /metrics, operator takes the lease) against a real Redis; and
// `sluice uninstall` leaves the root exactly as it found it. systemd itself is not running
// here, so no unit is started by systemd.
import { createHash } from 'node:crypto';
import {
  copyFile,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  stat,
  writeFile,
} from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../cli/cli-io.ts';
import { renderUnits, UNIT_NAMES, type UnitPlan } from '../cli/commands/install-units.ts';
import { runCli } from '../cli/program.ts';
import { freePort } from '../common/free-port.ts';
import { findJava } from '../debezium-config/launch-find-java.ts';
import { installDebezium } from '../debezium-config/launch-install.ts';
import { runCommandRaw } from '../debezium-config/launch-run-command.ts';
import { startRedis, type RedisInstance } from '../harness/redis.ts';
import { startServerProcess } from '../harness/server-process.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import { LEADER_LEASE_KEY } from '../pipeline/redis-keys.ts';

const ROOT = join(import.meta.dirname, '..');
const ctx = useTestContext();
let redis: RedisInstance;

beforeAll(async () => {
  redis = await startRedis({ dir: join(ctx.dir, 'redis'), registry: ctx.registry });
});

async function cli(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (text) => (out += text),
    err: (text) => (err += text),
    env,
    configDir: join(ctx.dir, 'cli-config'),
    cacheDir: join(ctx.dir, 'cli-cache'),
    interactive: false,
    prompt: () => Promise.reject(new Error('no prompt in tests')),
    readStdin: () => Promise.resolve(''),
    now: () => Date.now(),
    signal: new AbortController().signal,
  };
  const code = await runCli(args, io);
  return { code, out, err };
}

async function verify(dir: string, files: readonly string[]): Promise<string> {
  const result = await runCommandRaw('systemd-analyze', [
    'verify',
    '--man=no',
    ...files.map((f) => join(dir, f)),
  ]);
  return `${result.code === 0 ? '' : `exit ${String(result.code)}\n`}${result.stdout}${result.stderr}`.trim();
}

/** Every path under `dir` with its kind, mode, owner and content hash (or link target). */
async function snapshot(dir: string, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(join(dir, prefix))).sort()) {
    const rel = join(prefix, name);
    // useradd and userdel keep a backup of each file they change (passwd-, shadow-, …) and
    // leave their lock file (.pwd.lock), as on any system where users were ever added.
    if (prefix === 'etc' && (name.endsWith('-') || name === '.pwd.lock')) continue;
    const path = join(dir, rel);
    const info = await lstat(path);
    const owner = `${info.uid}:${info.gid}:${(info.mode & 0o7777).toString(8)}`;
    if (info.isSymbolicLink()) out[rel] = `link ${await readlink(path)}`;
    else if (info.isDirectory()) {
      out[rel] = `dir ${owner}`;
      Object.assign(out, await snapshot(dir, rel));
    } else {
      const hash = createHash('sha256')
        .update(await readFile(path))
        .digest('hex');
      out[rel] = `file ${owner} ${hash}`;
    }
  }
  return out;
}

interface UnitCommand {
  readonly argv: string[];
  readonly env: Record<string, string>;
}

/** What systemd would run for a unit installed under `root`: ExecStart and its environment. */
async function unitCommand(root: string, unit: string): Promise<UnitCommand> {
  const text = await readFile(join(root, 'etc', 'systemd', 'system', unit), 'utf8');
  const lines = text.split('\n');
  const value = (line: string): string => line.slice(line.indexOf('=') + 1);
  const exec = lines.find((l) => l.startsWith('ExecStart='));
  if (exec === undefined) throw new Error(`${unit} has no ExecStart`);
  const env: Record<string, string> = {};
  for (const line of lines) {
    if (line.startsWith('Environment=')) {
      const [name, ...rest] = value(line).split('=');
      env[name ?? ''] = rest.join('=');
    }
    if (line.startsWith('EnvironmentFile=')) {
      for (const entry of (await readFile(join(root, value(line)), 'utf8')).split('\n')) {
        const match = /^([A-Z_]+)="(.*)"$/.exec(entry);
        if (match !== null) env[match[1] ?? ''] = match[2] ?? '';
      }
    }
  }
  const argv = value(exec)
    .split(' ')
    .map((word) => word.replaceAll('%H', hostname()));
  return { argv, env };
}

describe('sluice install on a VM', () => {
  it('writes units that systemd-analyze verify accepts without a word', async () => {
    const plan: UnitPlan = {
      node: process.execPath,
      appDir: ROOT,
      debeziumDir: process.env.SLUICE_DEBEZIUM_DIR ?? (await installDebezium()),
      java: await findJava(),
      pipeline: 'default',
      apiHost: '0.0.0.0',
      apiPort: 8180,
      exporterHost: '0.0.0.0',
      exporterPort: 9121,
      debeziumMetricsPort: 9404,
      protectHome: false,
    };
    const dir = join(ctx.dir, 'units');
    await mkdir(dir);
    const units = renderUnits(plan);
    for (const [file, text] of Object.entries(units)) await writeFile(join(dir, file), text);
    expect(await verify(dir, Object.keys(units))).toBe('');
    for (const text of Object.values(units)) {
      for (const setting of [
        'NoNewPrivileges=yes',
        'ProtectSystem=strict',
        'PrivateTmp=yes',
        'Restart=on-failure',
        'User=sluice',
      ]) {
        expect(text).toContain(setting);
      }
    }
    // The check can fail: a value systemd ignores is reported.
    await writeFile(
      join(dir, 'broken.service'),
      units['sluice-api.service'].replace('ProtectSystem=strict', 'ProtectSystem=sometimes'),
    );
    expect(await verify(dir, ['broken.service'])).toMatch(/ProtectSystem|protect system/i);
  });

  it('names every missing piece before it changes anything', async () => {
    const root = join(ctx.dir, 'empty-root');
    await mkdir(root);
    const refused = await cli([
      'install',
      '--root',
      root,
      '--rdi-url',
      `redis://127.0.0.1:${await freePort()}`,
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('Cannot install yet');
    expect(refused.err).toContain(`${root}/etc/passwd is missing`);
    expect(refused.err).toMatch(/the RDI database at 127\.0\.0\.1:\d+ does not answer/);
    expect(await readdir(root)).toEqual([]);
    const noUrl = await cli(['install', '--root', root], {
      ...process.env,
      SLUICE_RDI_URL: undefined,
    });
    expect(noUrl.err).toContain('the RDI database is not given');
    const notInstalled = await cli(['uninstall', '--root', root]);
    expect(notInstalled.code).not.toBe(0);
    expect(notInstalled.err).toContain('install.json is missing');
  });

  it('installs into a throwaway root; the unit commands serve; uninstall removes exactly that', async () => {
    const root = join(ctx.dir, 'root');
    await mkdir(join(root, 'etc'), { recursive: true });
    for (const file of ['passwd', 'group', 'shadow', 'gshadow', 'login.defs']) {
      await copyFile(join('/etc', file), join(root, 'etc', file));
    }
    const before = await snapshot(root);
    const [apiPort, exporterPort, metricsPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const install = await cli([
      'install',
      ...['--root', root, '--rdi-url', redis.url],
      ...['--api-host', '127.0.0.1', '--api-port', String(apiPort)],
      ...['--exporter-host', '127.0.0.1', '--exporter-port', String(exporterPort)],
      ...['--debezium-metrics-port', String(metricsPort)],
    ]);
    expect(install.err).toBe('');
    expect(install.code).toBe(0);
    expect(install.out).toContain(`http://127.0.0.1:${apiPort}/`);
    expect(install.out).toContain('--username default');

    // The user exists in the root only; the env file is its alone.
    const passwd = await readFile(join(root, 'etc', 'passwd'), 'utf8');
    const entry = passwd
      .split('\n')
      .find((line) => line.startsWith('sluice:'))
      ?.split(':');
    expect(entry).toBeDefined();
    expect(await readFile('/etc/passwd', 'utf8')).not.toMatch(/^sluice:/m);
    const envFile = await stat(join(root, 'etc', 'sluice', 'sluice.env'));
    expect(envFile.mode & 0o777).toBe(0o600);
    expect(String(envFile.uid)).toBe(entry?.[2]);
    expect((await stat(join(root, 'etc', 'sluice'))).mode & 0o777).toBe(0o750);
    for (const unit of UNIT_NAMES) {
      const link = join(
        root,
        'etc',
        'systemd',
        'system',
        'multi-user.target.wants',
        `${unit}.service`,
      );
      expect(await readlink(link)).toBe(`/etc/systemd/system/${unit}.service`);
    }
    const again = await cli(['install', '--root', root, '--rdi-url', redis.url]);
    expect(again.code).not.toBe(0);
    expect(again.err).toContain('installed already');

    // What systemd would start, started here (as this user: the sluice user exists only in the root).
    const start = async (unit: string, isReady: () => Promise<boolean>): Promise<void> => {
      const command = await unitCommand(root, `${unit}.service`);
      const [program, ...args] = command.argv;
      await startServerProcess({
        registry: ctx.registry,
        spawn: {
          name: unit,
          command: program ?? '',
          args,
          cwd: ROOT,
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...command.env },
          logFile: join(ctx.dir, `${unit}.log`),
        },
        isReady,
      });
    };
    await start(
      'sluice-api',
      async () => (await fetch(`http://127.0.0.1:${apiPort}/api/v2/info`)).ok,
    );
    const info = (await (await fetch(`http://127.0.0.1:${apiPort}/api/v2/info`)).json()) as Record<
      string,
      unknown
    >;
    expect(info).toHaveProperty('version');
    await start(
      'sluice-exporter',
      async () => (await fetch(`http://127.0.0.1:${exporterPort}/metrics`)).ok,
    );
    expect(await (await fetch(`http://127.0.0.1:${exporterPort}/metrics`)).text()).toContain(
      'rdi_',
    );
    await start('sluice-operator', async () =>
      (await readFile(join(ctx.dir, 'sluice-operator.log'), 'utf8')).includes('Operator started.'),
    );
    const rdi = new Redis(redis.url);
    try {
      const holder = await waitFor('the operator to take the lease', async () => {
        const value = await rdi.hget(LEADER_LEASE_KEY, 'holder');
        return value === null ? undefined : value;
      });
      expect(holder).toBe(hostname());
    } finally {
      rdi.disconnect();
    }
    await ctx.registry.stopAll();

    const uninstall = await cli(['uninstall', '--root', root]);
    expect(uninstall.err).toBe('');
    expect(uninstall.code).toBe(0);
    expect(await snapshot(root)).toEqual(before);
  });
});
