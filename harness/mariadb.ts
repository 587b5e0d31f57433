// A private MariaDB for one test file: mariadb-install-db into a temporary folder, a row-based
// binlog as Debezium needs, 127.0.0.1 at a free port and a socket inside the folder (never the
// machine's own server, /run/mysqld or port 3306). `--no-defaults` keeps /etc/mysql out.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand, runCommandRaw } from '../debezium-config/launch-run-command.ts';
import { freePort } from '../common/free-port.ts';
import type { SourceTlsServerOptions } from './postgres.ts';
import type { ProcessRegistry } from './process-registry.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';
import { makeTlsCertificates, type TlsCertificates } from './tls-certificates.ts';

export interface MariadbOptions {
  /** Folder of this instance; created. */
  readonly dir: string;
  readonly registry: ProcessRegistry;
  readonly port?: number;
  /** The binlog server_id; Debezium's database.server.id must differ. Default: the port. */
  readonly serverId?: number;
  /** User with the privileges Debezium needs; default `sluice`. */
  readonly user?: string;
  readonly password?: string;
  /** Database created for the test; default `sluice`. */
  readonly database?: string;
  /**
   * TLS with certificates of a throwaway CA made in `<dir>/tls`: `require` sets
   * require_secure_transport (TCP without TLS refused); `requireClientCertificates` makes the
   * default user `REQUIRE X509` (MariaDB asks per user: give users a test creates the same).
   */
  readonly tls?: SourceTlsServerOptions;
}

export interface MariadbInstance extends ServerProcess {
  readonly kind: 'mariadb';
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly serverId: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** The certificates of a TLS server (CA, server, a client certificate it accepts). */
  readonly tls?: TlsCertificates;
  /** Runs SQL as root over the socket; rows of the last statement, NULL reads as 'NULL'. */
  query(sql: string, database?: string): Promise<string[][]>;
}

// What Debezium's MariaDB connector documents, plus LOCK TABLES for snapshots.
const DEBEZIUM_PRIVILEGES =
  'SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES';

export async function startMariadb(opts: MariadbOptions): Promise<MariadbInstance> {
  const port = opts.port ?? (await freePort());
  const serverId = opts.serverId ?? port;
  const user = opts.user ?? 'sluice';
  const password = opts.password ?? 'sluice';
  const database = opts.database ?? 'sluice';
  const data = join(opts.dir, 'data');
  const tmp = join(opts.dir, 'tmp');
  const socket = join(opts.dir, 'mariadb.sock');
  // mariadbd refuses to run as root unless told to; as another user it runs as that user.
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  // Small InnoDB files: the defaults cost ~100 MB of disk per instance.
  const innodb = ['--innodb-log-file-size=8M', '--innodb-buffer-pool-size=32M'];

  await mkdir(data, { recursive: true });
  await mkdir(tmp, { recursive: true });
  const certificates =
    opts.tls === undefined
      ? undefined
      : await makeTlsCertificates(join(opts.dir, 'tls'), 'Sluice test MariaDB CA');
  const tlsArgs =
    certificates === undefined
      ? []
      : [
          ...[`--ssl-ca=${certificates.ca}`, `--ssl-cert=${certificates.serverCert}`],
          `--ssl-key=${certificates.serverKey}`,
          // The socket counts as secure: the harness's own root client keeps working.
          ...(opts.tls?.require === true ? ['--require-secure-transport=ON'] : []),
        ];
  await runCommand(
    'mariadb-install-db',
    [
      ...['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal'],
      ...['--skip-test-db', '--skip-name-resolve', ...asRoot, ...innodb],
    ],
    { cwd: opts.dir },
  );

  const server = await startServerProcess({
    registry: opts.registry,
    spawn: {
      name: `mariadb:${port}`,
      command: mariadbd(),
      args: [
        ...['--no-defaults', ...asRoot, `--datadir=${data}`, `--tmpdir=${tmp}`],
        ...[
          `--socket=${socket}`,
          `--port=${port}`,
          '--bind-address=127.0.0.1',
          '--skip-name-resolve',
        ],
        `--pid-file=${join(opts.dir, 'mariadb.pid')}`,
        ...[`--log-bin=${join(data, 'binlog')}`, `--server-id=${serverId}`],
        ...['--binlog-format=ROW', '--binlog-row-image=FULL'],
        ...['--character-set-server=utf8mb4', '--collation-server=utf8mb4_unicode_ci'],
        // Flushes the redo log once a second: survives a killed server, not an OS crash.
        '--innodb-flush-log-at-trx-commit=2',
        ...innodb,
        ...tlsArgs,
      ],
      cwd: opts.dir,
      logFile: join(opts.dir, 'mariadb.log'),
    },
    isReady: async () => {
      const probe = await runCommandRaw('mariadb', [...client(socket), '-e', 'SELECT 1']);
      return probe.code === 0;
    },
  });

  const query = async (sql: string, db = database): Promise<string[][]> => {
    const { stdout } = await runCommand('mariadb', [...client(socket), '-D', db, '-e', sql]);
    const text = stdout.endsWith('\n') ? stdout.slice(0, -1) : stdout;
    return text === '' ? [] : text.split('\n').map((row) => row.split('\t').map(unescapeField));
  };
  await query(
    [
      `CREATE DATABASE \`${database}\``,
      `CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`,
      `GRANT ${DEBEZIUM_PRIVILEGES} ON *.* TO '${user}'@'%'`,
      `GRANT ALL PRIVILEGES ON \`${database}\`.* TO '${user}'@'%'`,
      ...(requiresX509(opts.tls?.requireClientCertificates, user)
        ? [`ALTER USER '${user}'@'%' REQUIRE X509`]
        : []),
    ].join(';\n'),
    'mysql',
  );

  return Object.assign(server, {
    kind: 'mariadb' as const,
    host: '127.0.0.1' as const,
    port,
    serverId,
    user,
    password,
    database,
    ...(certificates === undefined ? {} : { tls: certificates }),
    query,
  });
}

function requiresX509(setting: boolean | readonly string[] | undefined, user: string): boolean {
  return setting === true || (Array.isArray(setting) && setting.includes(user));
}

/** Client arguments: root over this instance's socket, tab-separated rows, no header. */
function client(socket: string): string[] {
  return ['--no-defaults', `--socket=${socket}`, '--user=root', '--batch', '--skip-column-names'];
}

/** mariadbd is in /usr/sbin on Debian, which a non-root PATH usually lacks. */
function mariadbd(): string {
  const fromEnv = process.env['SLUICE_MARIADBD'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return existsSync('/usr/sbin/mariadbd') ? '/usr/sbin/mariadbd' : 'mariadbd';
}

/** Undoes the escaping of --batch output (\t, \n, \\, \0). */
function unescapeField(field: string): string {
  return field.replace(/\\([tn0\\])/g, (_, c: string) =>
    c === 't' ? '\t' : c === 'n' ? '\n' : c === '0' ? '\0' : '\\',
  );
}
