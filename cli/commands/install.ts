// `sluice install` / `sluice uninstall`: Sluice on a VM as three systemd services (API,
// operator, exporter) run by a `sluice` system user, with the RDI database's URL and the token
// secret in /etc/sluice/sluice.env (mode 0600, owned by that user). Install first checks
// everything it needs and names each missing piece with the command that provides it; it
// records what it created in /etc/sluice/install.json, and uninstall removes exactly that.
// `--root DIR` writes into a staging root instead of / (users, files, enablement links; no
// service is started), for images and tests.

import { existsSync, readFileSync } from 'node:fs';
import {
  chmod,
  chown,
  mkdir,
  readFile,
  readdir,
  rm,
  rmdir,
  stat,
  writeFile,
} from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { Redis } from 'ioredis';
import { SluiceError } from '../../common/errors.ts';
import { connectRdi } from '../../common/rdi-connect.ts';
import { RDI_TLS_ENV, rdiRedisOptions } from '../../common/rdi-tls.ts';
import { findJava } from '../../debezium-config/launch-find-java.ts';
import { debeziumExtensionsJar } from '../../debezium-config/launch-extensions.ts';
import { installDebezium } from '../../debezium-config/launch-install.ts';
import { runCommand, runCommandRaw } from '../../debezium-config/launch-run-command.ts';
import type { CliIo } from '../cli-io.ts';
import type { Runtime } from '../runtime.ts';
import {
  ENV_FILE,
  ETC_DIR,
  renderEnvFile,
  renderUnits,
  UNIT_DIR,
  UNIT_NAMES,
  type UnitPlan,
} from './install-units.ts';

const APP_DIR = resolve(import.meta.dirname, '..', '..');
const RECORD_FILE = `${ETC_DIR}/install.json`;
const WANTS_DIR = `${UNIT_DIR}/multi-user.target.wants`;
const USER = 'sluice';

export interface InstallOptions {
  readonly root: string;
  readonly rdiUrl: string | undefined;
  /** The RDI database's TLS settings from the environment (SLUICE_RDI_CACERT…), by name. */
  readonly rdiTls?: Readonly<Record<string, string>>;
  readonly pipeline: string;
  readonly apiHost: string;
  readonly apiPort: number;
  readonly exporterHost: string;
  readonly exporterPort: number;
  readonly debeziumMetricsPort: number;
  readonly jwtSecretFile: string | undefined;
  readonly start: boolean;
}

/** What install created, in order; uninstall undoes it backwards. */
interface InstallRecord {
  createdUser: boolean;
  readonly dirs: string[];
  readonly files: string[];
  readonly units: string[];
}

export function registerInstallCommands(program: Command, rt: Runtime): void {
  const port = (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > 65535) {
      throw new SluiceError('CONFIG_INVALID', `${text} is not a port number`);
    }
    return value;
  };
  program
    .command('install')
    .description('install the API, operator and exporter as systemd services on this VM (as root)')
    .option(
      '--rdi-url <url>',
      'RDI database, redis://user:password@host:port (default: SLUICE_RDI_URL)',
    )
    .option('--root <dir>', 'write into this root folder instead of / and start nothing', '/')
    .option('--api-host <host>', 'address the API listens on', '0.0.0.0')
    .option('--api-port <port>', 'port of the API and web UI', port, 8180)
    .option('--exporter-host <host>', 'address the exporter listens on', '0.0.0.0')
    .option('--exporter-port <port>', 'port of the Prometheus exporter', port, 9121)
    .option('--debezium-metrics-port <port>', "local port of Debezium's metrics", port, 9404)
    .option(
      '--jwt-secret-file <file>',
      'token secret to share with the other VM (default: a new one)',
    )
    .option('--no-start', 'enable the services without starting them')
    .action(
      async (
        options: Omit<InstallOptions, 'rdiUrl' | 'pipeline'> & { rdiUrl?: string },
        command: Command,
      ) => {
        await installSluice(rt.io, {
          ...options,
          root: resolve(options.root),
          rdiUrl: options.rdiUrl ?? rt.io.env.SLUICE_RDI_URL,
          rdiTls: Object.fromEntries(
            Object.values(RDI_TLS_ENV).flatMap((name) => {
              const value = rt.io.env[name];
              return value === undefined || value === '' ? [] : [[name, value]];
            }),
          ),
          pipeline: rt.globals(command).pipeline ?? 'default',
        });
      },
    );
  program
    .command('uninstall')
    .description('stop and remove what `sluice install` added (services, files, the sluice user)')
    .option('--root <dir>', 'the root folder given to install', '/')
    .action(async (options: { root: string }) => {
      await uninstallSluice(rt.io, resolve(options.root));
    });
}

export async function installSluice(io: CliIo, opts: InstallOptions): Promise<void> {
  const at = (path: string): string => join(opts.root, path);
  const live = opts.root === '/';
  if (existsSync(at(RECORD_FILE))) {
    throw new SluiceError('PIPELINE_EXISTS', `Sluice is installed already (${at(RECORD_FILE)}).`, {
      hint: 'run `sluice uninstall` first, or upgrade in place (docs/deploy-vms.md)',
    });
  }
  const problems: string[] = [];
  const plan = await checkRuntime(opts, live, problems);
  if (problems.length > 0 || plan === undefined) {
    throw new SluiceError(
      'CONFIG_INVALID',
      `Cannot install yet:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  const jwtSecret =
    opts.jwtSecretFile === undefined
      ? randomBytes(32).toString('base64url')
      : (await readFile(opts.jwtSecretFile, 'utf8')).trim();
  if (jwtSecret.length < 32)
    throw new SluiceError('CONFIG_INVALID', 'The token secret needs 32+ characters.');

  const record: InstallRecord = { createdUser: false, dirs: [], files: [], units: [] };
  const mkdirOnce = async (path: string, mode: number): Promise<void> => {
    if (existsSync(at(path))) return;
    await mkdirOnce(dirname(path), 0o755);
    await mkdir(at(path), { mode });
    record.dirs.push(path);
  };
  const write = async (path: string, text: string, mode: number, owner?: Ids): Promise<void> => {
    await writeFile(at(path), text, { mode, flag: 'wx' });
    await chmod(at(path), mode);
    if (owner !== undefined) await chown(at(path), owner.uid, owner.gid);
    record.files.push(path);
  };
  const saveRecord = (): Promise<void> =>
    writeFile(at(RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o644 });

  let ids = await userIds(opts.root);
  if (ids === undefined) {
    await runCommand('useradd', [
      ...(live ? [] : ['--root', opts.root]),
      ...['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent'],
      ...['--shell', '/usr/sbin/nologin', '--comment', 'Sluice services', USER],
    ]);
    record.createdUser = true;
    ids = await userIds(opts.root);
    if (ids === undefined)
      throw new SluiceError('PROCESS_FAILED', 'useradd did not create the sluice user');
  }
  try {
    await mkdirOnce(ETC_DIR, 0o750);
    await chown(at(ETC_DIR), 0, ids.gid);
    record.files.push(RECORD_FILE);
    await saveRecord();
    await write(
      ENV_FILE,
      renderEnvFile({ rdiUrl: opts.rdiUrl ?? '', jwtSecret, rdiTls: opts.rdiTls ?? {} }),
      0o600,
      ids,
    );
    await mkdirOnce(UNIT_DIR, 0o755);
    const wantsExisted = existsSync(at(WANTS_DIR));
    for (const [file, text] of Object.entries(renderUnits(plan))) {
      await write(`${UNIT_DIR}/${file}`, text, 0o644);
      record.units.push(file);
    }
    if (!wantsExisted) record.dirs.push(WANTS_DIR);
    await saveRecord();
    if (live) {
      await runCommand('systemctl', ['daemon-reload']);
      await runCommand('systemctl', ['enable', ...(opts.start ? ['--now'] : []), ...record.units]);
    } else {
      await runCommand('systemctl', [`--root=${opts.root}`, 'enable', ...record.units]);
    }
  } finally {
    await saveRecord();
  }
  const url = `http://${opts.apiHost === '0.0.0.0' ? hostname() : opts.apiHost}:${opts.apiPort}`;
  const user = decodeURIComponent(new URL(opts.rdiUrl ?? '').username) || 'default';
  io.out(
    [
      `Installed ${UNIT_NAMES.join(', ')}${live && opts.start ? ' and started them' : ''}${live ? '' : ` under ${opts.root} (nothing started)`}.`,
      `  status:  systemctl status ${UNIT_NAMES.join(' ')}`,
      `  logs:    journalctl -u sluice-operator -f`,
      `Log in with the RDI database's user "${user}" and its password:`,
      `  web UI:  ${url}/`,
      `  CLI:     sluice --url ${url} --username ${user} status`,
      'Run `sluice install` with the same RDI database on a second VM: the operators elect a leader.',
      '',
    ].join('\n'),
  );
}

export async function uninstallSluice(io: CliIo, root: string): Promise<void> {
  const at = (path: string): string => join(root, path);
  const live = root === '/';
  let record: InstallRecord;
  try {
    record = JSON.parse(await readFile(at(RECORD_FILE), 'utf8')) as InstallRecord;
  } catch {
    throw new SluiceError(
      'FILE_NOT_FOUND',
      `${at(RECORD_FILE)} is missing: nothing that sluice install added is known.`,
    );
  }
  const failures: string[] = [];
  const attempt = async (what: string, step: () => Promise<unknown>): Promise<void> => {
    try {
      await step();
    } catch (error) {
      failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  if (record.units.length > 0) {
    await attempt('disable the services', () =>
      live
        ? runCommand('systemctl', ['disable', '--now', ...record.units])
        : runCommand('systemctl', [`--root=${root}`, 'disable', ...record.units]),
    );
  }
  for (const file of [...record.files].reverse()) {
    await attempt(`remove ${file}`, () => rm(at(file), { force: true }));
  }
  for (const dir of [...record.dirs].reverse()) {
    await attempt(`remove ${dir}`, async () => {
      if (existsSync(at(dir)) && (await readdir(at(dir))).length === 0) await rmdir(at(dir));
    });
  }
  if (live) await attempt('reload systemd', () => runCommand('systemctl', ['daemon-reload']));
  if (record.createdUser) {
    await attempt('remove the sluice user', () =>
      runCommand('userdel', [...(live ? [] : ['--root', root]), USER]),
    );
  }
  if (failures.length > 0) {
    throw new SluiceError(
      'PROCESS_FAILED',
      `Uninstall left something behind:\n  - ${failures.join('\n  - ')}`,
    );
  }
  io.out(
    `Removed ${record.units.join(', ')}, ${ETC_DIR}${record.createdUser ? ' and the sluice user' : ''}.\n`,
  );
}

interface Ids {
  readonly uid: number;
  readonly gid: number;
}

async function userIds(root: string): Promise<Ids | undefined> {
  let passwd: string;
  try {
    passwd = await readFile(join(root, 'etc', 'passwd'), 'utf8');
  } catch {
    return undefined;
  }
  const fields = passwd
    .split('\n')
    .map((line) => line.split(':'))
    .find((entry) => entry[0] === USER);
  return fields === undefined ? undefined : { uid: Number(fields[2]), gid: Number(fields[3]) };
}

/** Checks what the services need; each gap becomes one line of `problems`. */
async function checkRuntime(
  opts: InstallOptions,
  live: boolean,
  problems: string[],
): Promise<UnitPlan | undefined> {
  const pkg = packageCommands();
  if (live && process.getuid?.() !== 0) problems.push('run it as root (sudo sluice install …)');
  if (live && !existsSync('/run/systemd/system'))
    problems.push('systemd is not running on this machine');
  if (!live && !existsSync(join(opts.root, 'etc', 'passwd'))) {
    problems.push(`${opts.root}/etc/passwd is missing: --root must hold a system's /etc`);
  }
  for (const [program, provider] of [
    ['useradd', pkg.passwd],
    ['systemctl', pkg.systemd],
  ] as const) {
    if ((await runCommandRaw('sh', ['-c', `command -v ${program}`])).code !== 0) {
      problems.push(`${program} is missing: ${provider}`);
    }
  }
  if (APP_DIR.split('/').includes('node_modules')) {
    // Node.js strips TypeScript types only outside node_modules: the services could not start.
    problems.push(
      `run it from a Sluice release folder (e.g. /opt/sluice/cli/main.ts), not from the npm package in ${APP_DIR}`,
    );
  }
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24)
    problems.push(
      `Node.js ${process.versions.node} is too old: Sluice needs 24 (scripts/bootstrap.sh installs it)`,
    );
  let java = '';
  try {
    java = await findJava();
  } catch {
    problems.push(`Java 21+ is missing (for Debezium Server): ${pkg.java}`);
  }
  let debeziumDir = process.env.SLUICE_DEBEZIUM_DIR ?? '';
  if (debeziumDir === '') {
    try {
      debeziumDir = await installDebezium();
    } catch (error) {
      problems.push(
        `Debezium Server could not be installed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (opts.rdiUrl === undefined || opts.rdiUrl === '') {
    problems.push(
      'the RDI database is not given: --rdi-url redis://user:password@host:port or SLUICE_RDI_URL',
    );
  } else {
    const problem = await rdiProblem(opts.rdiUrl, opts.rdiTls ?? {});
    if (problem !== undefined) problems.push(problem);
  }
  // Built now, as this user: the service user only reads it (debezium-config/launch-extensions.ts).
  let extensionsJar = '';
  if (debeziumDir !== '') {
    try {
      extensionsJar = (await debeziumExtensionsJar(debeziumDir)) ?? '';
    } catch (error) {
      problems.push(
        `Sluice's Debezium extensions could not be built: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  const paths = [process.execPath, APP_DIR, debeziumDir, java, extensionsJar].filter(
    (p) => p !== '',
  );
  if (live) {
    for (const path of paths) {
      const unreadable = await firstUnreadable(path);
      if (unreadable !== undefined) {
        problems.push(
          `the sluice user cannot reach ${path} (${unreadable} is not readable by others): put it under /opt`,
        );
      }
    }
  }
  if (problems.length > 0) return undefined;
  return {
    node: process.execPath,
    appDir: APP_DIR,
    debeziumDir,
    java,
    pipeline: opts.pipeline,
    apiHost: opts.apiHost,
    apiPort: opts.apiPort,
    exporterHost: opts.exporterHost,
    exporterPort: opts.exporterPort,
    debeziumMetricsPort: opts.debeziumMetricsPort,
    protectHome: !paths.some((p) => p.startsWith('/home/') || p.startsWith('/root/')),
  };
}

async function rdiProblem(
  url: string,
  tlsEnv: Readonly<Record<string, string>>,
): Promise<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `--rdi-url is not a URL: redis://user:password@host:port`;
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    return '--rdi-url must start with redis:// or rediss://';
  let tls: ReturnType<typeof rdiRedisOptions>;
  try {
    tls = rdiRedisOptions(url, tlsEnv);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const redis = new Redis(url, {
    ...tls,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 3_000,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await connectRdi(redis, url);
    await redis.ping();
    return undefined;
  } catch (error) {
    return `the RDI database at ${parsed.host} does not answer: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    redis.disconnect();
  }
}

/** The first folder on the way to `path` (or the file) that others cannot traverse or read. */
async function firstUnreadable(path: string): Promise<string | undefined> {
  const parts = resolve(path)
    .split('/')
    .filter((p) => p !== '');
  let current = '/';
  for (const [index, part] of parts.entries()) {
    current = join(current, part);
    const info = await stat(current);
    const last = index === parts.length - 1;
    const needed = info.isDirectory() ? 0o005 : last ? 0o004 : 0o001;
    if ((info.mode & needed) !== needed) return current;
  }
  return undefined;
}

/** The commands that provide what is missing, for this machine's family (os-release). */
function packageCommands(): { java: string; passwd: string; systemd: string } {
  let release = '';
  try {
    release = readFileSync('/etc/os-release', 'utf8');
  } catch {
    // Unknown family: Debian's names.
  }
  const rhel = /^ID(_LIKE)?=.*\b(rhel|fedora|centos)\b/m.test(release);
  return rhel
    ? {
        java: 'dnf install java-21-openjdk-headless',
        passwd: 'dnf install shadow-utils',
        systemd: 'dnf install systemd',
      }
    : {
        java: 'apt-get install openjdk-21-jre-headless (Debian 13, Ubuntu 24.04)',
        passwd: 'apt-get install passwd',
        systemd: 'apt-get install systemd',
      };
}
