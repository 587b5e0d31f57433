// A private PostgreSQL for one test file: initdb into a temporary folder, logical decoding on,
// listening on 127.0.0.1 at a free port with its socket inside the folder (never the machine's
// own cluster, /var/run/postgresql or port 5432). As root, the server runs as user `postgres`.
import {
  readdir,
  readFile,
  appendFile,
  chmod,
  chown,
  copyFile,
  mkdir,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand, runCommandRaw } from '../debezium-config/launch-run-command.ts';
import { freePort } from '../common/free-port.ts';
import type { ProcessRegistry } from './process-registry.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';
import { makeTlsCertificates, type TlsCertificates } from './tls-certificates.ts';

export interface PostgresOptions {
  /** Folder of this instance; created, and handed to user `postgres` when running as root. */
  readonly dir: string;
  readonly registry: ProcessRegistry;
  readonly port?: number;
  /** Superuser with REPLICATION (the bootstrap user); default `sluice`. */
  readonly user?: string;
  readonly password?: string;
  /** Database created for the test; default `sluice`. */
  readonly database?: string;
  /** TLS with certificates of a throwaway CA made in `<dir>/tls`. Default: no TLS. */
  readonly tls?: SourceTlsServerOptions;
}

/** A source database server's TLS (harness/postgres.ts, harness/mariadb.ts). */
export interface SourceTlsServerOptions {
  /** Refuse every TCP connection without TLS (PostgreSQL `hostnossl … reject`). */
  readonly require?: boolean;
  /**
   * Refuse TLS connections without a client certificate signed by the CA, beside the password:
   * `true` for every user, or only for the users listed (PostgreSQL `clientcert=verify-ca` on
   * their `hostssl` lines; MariaDB `REQUIRE X509` for the default user when listed or `true`;
   * users a test creates say `REQUIRE X509` themselves).
   */
  readonly requireClientCertificates?: boolean | readonly string[];
}

export interface PostgresInstance extends ServerProcess {
  readonly kind: 'postgresql';
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** The certificates of a TLS server (CA, server, a client certificate it accepts). */
  readonly tls?: TlsCertificates;
  /**
   * Runs SQL as the superuser (psql over TCP, so with the same authentication Debezium uses)
   * and returns the rows of the last statement; NULL reads as 'NULL'.
   */
  query(sql: string, database?: string): Promise<string[][]>;
}

const FIELD = '\x1f';
const RECORD = '\x1e';

export async function startPostgres(opts: PostgresOptions): Promise<PostgresInstance> {
  const bin = await postgresBinDir();
  const port = opts.port ?? (await freePort());
  const user = opts.user ?? 'sluice';
  const password = opts.password ?? 'sluice';
  const database = opts.database ?? 'sluice';
  const data = join(opts.dir, 'data');
  const socketDir = join(opts.dir, 'socket');
  // initdb and postgres refuse to run as root.
  const owner = process.getuid?.() === 0 ? await systemUser('postgres') : undefined;

  await mkdir(socketDir, { recursive: true });
  const pwfile = join(opts.dir, 'pwfile');
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner !== undefined) {
    for (const path of [opts.dir, socketDir, pwfile]) await chown(path, owner.uid, owner.gid);
  }
  await runCommand(
    join(bin, 'initdb'),
    [
      ...['-D', data, '-U', user, `--pwfile=${pwfile}`, '-E', 'UTF8', '--no-locale'],
      // Local socket trusted (setup only); TCP needs the password, as for Debezium.
      ...['--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync', '--no-instructions'],
    ],
    { ...owner, cwd: opts.dir },
  );
  await appendFile(
    join(data, 'postgresql.conf'),
    [
      `listen_addresses = '127.0.0.1'`,
      `port = ${port}`,
      `unix_socket_directories = '${socketDir}'`,
      'wal_level = logical',
      'max_replication_slots = 20',
      'max_wal_senders = 20',
      // Durability against OS crashes is not needed; a killed postmaster still loses nothing.
      'fsync = off',
      'full_page_writes = off',
      '',
    ].join('\n'),
  );
  const certificates =
    opts.tls === undefined ? undefined : await serverTls(opts.dir, data, opts.tls, owner);

  const server = await startServerProcess({
    registry: opts.registry,
    spawn: {
      name: `postgres:${port}`,
      command: join(bin, 'postgres'),
      args: ['-D', data],
      cwd: opts.dir,
      logFile: join(opts.dir, 'postgres.log'),
      // SIGTERM ("smart") would wait for Debezium's replication connection to go away.
      stopSignal: 'SIGINT',
      ...owner,
    },
    isReady: async () => {
      const probe = await runCommandRaw(join(bin, 'pg_isready'), [
        '-q',
        '-h',
        socketDir,
        '-p',
        `${port}`,
      ]);
      return probe.code === 0;
    },
  });

  const psqlEnv = {
    ...process.env,
    PGPASSWORD: password,
    PGCONNECT_TIMEOUT: '10',
    ...(certificates === undefined ? {} : psqlTlsEnv(certificates)),
  };
  const query = async (sql: string, db = database): Promise<string[][]> => {
    const args = ['-X', '-q', '-A', '-t', '-F', FIELD, '-R', RECORD, '-P', 'null=NULL'];
    const { stdout } = await runCommand(
      join(bin, 'psql'),
      [
        ...args,
        '-v',
        'ON_ERROR_STOP=1',
        '-h',
        '127.0.0.1',
        '-p',
        `${port}`,
        '-U',
        user,
        '-d',
        db,
        '-c',
        sql,
      ],
      { env: psqlEnv },
    );
    const text = stdout.endsWith('\n') ? stdout.slice(0, -1) : stdout;
    return text === '' ? [] : text.split(RECORD).map((row) => row.split(FIELD));
  };
  await query(`CREATE DATABASE "${database}"`, 'postgres');

  return Object.assign(server, {
    kind: 'postgresql' as const,
    host: '127.0.0.1' as const,
    port,
    user,
    password,
    database,
    ...(certificates === undefined ? {} : { tls: certificates }),
    query,
  });
}

/**
 * Turns TLS on: the server's certificate and key copied into the data folder (PostgreSQL wants
 * its key owned by itself, 0600), and a pg_hba.conf that says which TCP connections need TLS
 * and a client certificate. Replication connections match only `replication` lines.
 */
async function serverTls(
  dir: string,
  data: string,
  tls: SourceTlsServerOptions,
  owner: { uid: number; gid: number } | undefined,
): Promise<TlsCertificates> {
  const certificates = await makeTlsCertificates(join(dir, 'tls'), 'Sluice test PostgreSQL CA');
  const files = { 'server.crt': certificates.serverCert, 'server.key': certificates.serverKey };
  for (const [name, from] of Object.entries(files)) {
    await copyFile(from, join(data, name));
    await chmod(join(data, name), 0o600);
    if (owner !== undefined) await chown(join(data, name), owner.uid, owner.gid);
  }
  await copyFile(certificates.ca, join(data, 'ca.pem'));
  if (owner !== undefined) await chown(join(data, 'ca.pem'), owner.uid, owner.gid);
  await appendFile(
    join(data, 'postgresql.conf'),
    [
      'ssl = on',
      "ssl_cert_file = 'server.crt'",
      "ssl_key_file = 'server.key'",
      "ssl_ca_file = 'ca.pem'",
      '',
    ].join('\n'),
  );
  const everyone = tls.requireClientCertificates === true;
  const some = Array.isArray(tls.requireClientCertificates) ? tls.requireClientCertificates : [];
  const lines = ['local all all trust', 'local replication all trust'];
  // The first line that matches decides.
  for (const database of ['all', 'replication']) {
    if (tls.require === true) lines.push(`hostnossl ${database} all 0.0.0.0/0 reject`);
    for (const user of some) {
      lines.push(`hostssl ${database} ${user} 127.0.0.1/32 scram-sha-256 clientcert=verify-ca`);
      lines.push(`host ${database} ${user} 0.0.0.0/0 reject`);
    }
    const clientcert = everyone ? ' clientcert=verify-ca' : '';
    lines.push(`hostssl ${database} all 127.0.0.1/32 scram-sha-256${clientcert}`);
    lines.push(`host ${database} all 127.0.0.1/32 scram-sha-256`);
  }
  await writeFile(join(data, 'pg_hba.conf'), `${lines.join('\n')}\n`);
  return certificates;
}

/** libpq settings of the harness's own psql: TLS, with the client certificate the server accepts. */
function psqlTlsEnv(certificates: TlsCertificates): Record<string, string> {
  return {
    PGSSLMODE: 'verify-full',
    PGSSLROOTCERT: certificates.ca,
    PGSSLCERT: certificates.clientCert,
    PGSSLKEY: certificates.clientKey,
  };
}

/** $SLUICE_PG_BINDIR, else Debian's newest /usr/lib/postgresql/<major>/bin, else PATH. */
async function postgresBinDir(): Promise<string> {
  const fromEnv = process.env['SLUICE_PG_BINDIR'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  try {
    const majors = (await readdir('/usr/lib/postgresql'))
      .map(Number)
      .filter((major) => Number.isInteger(major))
      .sort((a, b) => b - a);
    if (majors[0] !== undefined) return `/usr/lib/postgresql/${majors[0]}/bin`;
  } catch {
    // Not a Debian-style layout: rely on PATH.
  }
  return '';
}

async function systemUser(name: string): Promise<{ uid: number; gid: number }> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  for (const line of passwd.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined) {
      return { uid: Number(uid), gid: Number(gid) };
    }
  }
  throw new Error(`running as root, but there is no '${name}' user to run PostgreSQL as`);
}
