// TLS and mTLS from Debezium Server to its source (issue 9, section 4), on one TLS-only server
// per source kind: PostgreSQL 15 (`hostnossl … reject`, client certificates for one user) and
// MariaDB 10.11 (require_secure_transport, `REQUIRE X509` for one user), with certificates of a
// throwaway CA. In order: a pipeline with TLS turned off is refused, one trusting another CA is
// refused, TLS with full verification (CA and host name) syncs the snapshot and then the
// changes, and mTLS with an encrypted client key does the same. The syncing pipelines log in as
// the least-privilege users docs/config.md documents, and their collector's log holds no
// permission error.
import { readFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terminateSlotHolder } from '../api/operator/replication-slot.ts';
import { introspectSource } from '../api/sources/introspect-source.ts';
import { runCommand } from '../debezium-config/launch-run-command.ts';
import { replicationSlotName } from '../debezium-config/render-source-identity.ts';
import { startPipeline, type RunningPipeline } from '../harness/pipeline.ts';
import { startStack, type SourceKind, type Stack } from '../harness/stack.ts';
import { useTestContext } from '../harness/test-context.ts';
import { makeTlsCertificates } from '../harness/tls-certificates.ts';
import { waitFor } from '../harness/wait-for.ts';
import { compareRows } from './support/compare-rows.ts';

const ctx = useTestContext();

/** The least-privilege users of docs/config.md ("Source database users"). */
const USERS = { tls: 'cdc_tls', mtls: 'cdc_mtls' } as const;
const PASSWORD = 'Cdc-pass-1';
const KEY_PASSWORD = 'client-key-pass';
const COLUMNS = ['id', 'name', 'qty'] as const;
/** What a grant missing from the documented list makes the databases or Debezium say. */
const PERMISSION_ERROR = /permission denied|access denied|command denied|must be owner|NOPERM/i;
/** Source name, table and user of the two syncing pipelines. */
const CASES = [
  ['tlssrc', 'tls_items', USERS.tls],
  ['mtlssrc', 'mtls_items', USERS.mtls],
] as const;

interface Dialect {
  /** Creates a table and a user who may capture only it (`mtls`: only with a certificate). */
  readonly prepareUser: (table: string, user: string, source: string, mtls: boolean) => string[];
  /** What the server answers a client without TLS. */
  readonly plaintextRefusal: RegExp;
}

const dialects: Record<SourceKind, Dialect> = {
  postgresql: {
    // REPLICATION login, SELECT on the captured table, and the publication created beforehand
    // by its owner (with it, the user needs no ownership of the tables).
    prepareUser: (table, user, source) => [
      `CREATE TABLE ${table} (id int PRIMARY KEY, name varchar(40) NOT NULL, qty int NOT NULL)`,
      `CREATE ROLE ${user} LOGIN REPLICATION PASSWORD '${PASSWORD}'`,
      `GRANT SELECT ON ${table} TO ${user}`,
      `CREATE PUBLICATION ${replicationSlotName(source)} FOR TABLE ${table}`,
    ],
    plaintextRefusal: /no encryption/,
  },
  mariadb: {
    prepareUser: (table, user, _source, mtls) => [
      `CREATE TABLE ${table} (id int PRIMARY KEY, name varchar(40) NOT NULL, qty int NOT NULL)`,
      `CREATE USER '${user}'@'%' IDENTIFIED BY '${PASSWORD}'${mtls ? ' REQUIRE X509' : ''}`,
      `GRANT SELECT ON sluice.* TO '${user}'@'%'`,
      `GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '${user}'@'%'`,
    ],
    plaintextRefusal: /insecure transport are prohibited/,
  },
};

describe.each(['postgresql', 'mariadb'] as const)('TLS to the source (%s)', (kind) => {
  const dialect = dialects[kind];
  let stack: Stack<SourceKind>;
  let target: Redis;
  let pem: { ca: string; cert: string; key: string; otherCa: string };
  const sql = (text: string) => stack.source.query(text);
  const running: RunningPipeline[] = [];

  beforeAll(async () => {
    stack = await startStack<SourceKind>({
      source: kind,
      dir: `${ctx.dir}/${kind}`,
      registry: ctx.registry,
      sourceTls: { require: true, requireClientCertificates: [USERS.mtls] },
    });
    target = new Redis(stack.target.url);
    const tls = stack.source.tls;
    if (tls === undefined) throw new Error('the source was started without TLS');
    const other = await makeTlsCertificates(`${ctx.dir}/${kind}/other-ca`, 'Some other CA');
    // The client key as a user keeps it: encrypted with a password.
    const encryptedKey = await runCommand('openssl', ['pkey', '-aes256', '-passout', 'env:PW'], {
      input: await readFile(tls.clientKey, 'utf8'),
      env: { PATH: process.env['PATH'] ?? '', PW: KEY_PASSWORD },
    });
    pem = {
      ca: await readFile(tls.ca, 'utf8'),
      cert: await readFile(tls.clientCert, 'utf8'),
      key: encryptedKey.stdout,
      otherCa: await readFile(other.ca, 'utf8'),
    };
    for (const [source, table, user] of CASES) {
      for (const statement of dialect.prepareUser(table, user, source, user === USERS.mtls)) {
        await sql(statement);
      }
      await sql(`INSERT INTO ${table} VALUES (1, 'one', 1), (2, 'two', 2), (3, 'three', 3)`);
    }
  }, 240_000);

  afterAll(async () => {
    await target.quit();
  });

  /** A pipeline of `source` capturing `table` as `user`, with these connection lines. */
  const pipeline = (source: string, table: string, user: string, connection: string[]) =>
    startPipeline({
      stack,
      dir: `${ctx.dir}/${kind}/${source}`,
      registry: ctx.registry,
      sourceName: source,
      tables: [table],
      connectionSettings: connection,
      secrets: {
        SOURCE_DB_USERNAME: user,
        SOURCE_DB_PASSWORD: PASSWORD,
        SOURCE_DB_CACERT: pem.ca,
        SOURCE_DB_OTHER_CACERT: pem.otherCa,
        SOURCE_DB_CERT: pem.cert,
        SOURCE_DB_KEY: pem.key,
        SOURCE_DB_KEY_PASSWORD: KEY_PASSWORD,
      },
    });

  /** Rows 1..n, then the target equal to the source; then changes, and equal again. */
  const syncs = async (source: string, table: string, user: string, connection: string[]) => {
    const started = await pipeline(source, table, user, connection);
    running.push(started);
    await expectTargetEqual(table, 3);
    await sql(`INSERT INTO ${table} VALUES (4, 'four', 4)`);
    await sql(`UPDATE ${table} SET name = 'TWO', qty = 22 WHERE id = 2`);
    await sql(`DELETE FROM ${table} WHERE id = 1`);
    await expectTargetEqual(table, 3);
    expect(await target.hgetall(`${table}:id:2`)).toEqual({ id: '2', name: 'TWO', qty: '22' });
    const log = await readFile(started.debezium.logFile, 'utf8');
    expect(log.split('\n').filter((line) => PERMISSION_ERROR.test(line))).toEqual([]);
    // One pipeline at a time: its processor would otherwise also consume the next one's streams.
    await started.processor.stop();
    await started.debezium.stop();
  };

  const expectTargetEqual = async (table: string, rows: number) => {
    const comparison = await waitFor(
      `${table} in the target to equal the source`,
      async () => {
        const result = await compareRows(sql, target, table, COLUMNS);
        if (result.summary !== '') throw new Error(result.summary);
        return result;
      },
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    expect(comparison.rows).toBe(rows);
  };

  /** The collector fails to start; its error, as the pipeline's status shows it, says why. */
  const refused = async (source: string, connection: string[], reason: RegExp) => {
    const attempt = pipeline(source, 'tls_items', USERS.tls, connection);
    await expect(attempt).rejects.toMatchObject({ code: 'PROCESS_FAILED', message: reason });
  };

  it('refuses a pipeline with TLS turned off: the server requires it', async () => {
    await refused('plain', ['tls_mode: disable'], dialect.plaintextRefusal);
    expect(await target.dbsize()).toBe(0);
  }, 240_000);

  it('refuses a server whose certificate another CA signed', async () => {
    await refused(
      'wrongca',
      ['cacert: ${SOURCE_DB_OTHER_CACERT}'],
      /PKIX path building failed|unable to find valid certification path/,
    );
    expect(await target.dbsize()).toBe(0);
  }, 240_000);

  it('syncs over TLS with full verification, as the least-privilege user', async () => {
    await syncs('tlssrc', 'tls_items', USERS.tls, ['cacert: ${SOURCE_DB_CACERT}']);
  }, 400_000);

  it('syncs over mTLS with an encrypted client key, where the server requires a certificate', async () => {
    await syncs('mtlssrc', 'mtls_items', USERS.mtls, [
      'cacert: ${SOURCE_DB_CACERT}',
      'cert: ${SOURCE_DB_CERT}',
      'key: ${SOURCE_DB_KEY}',
      'key_password: ${SOURCE_DB_KEY_PASSWORD}',
      'tls_mode: verify-full',
    ]);
  }, 400_000);

  it("Sluice's own clients (introspection, the operator's slot upkeep) use the same TLS keys", async () => {
    const connection = {
      type: kind,
      host: stack.source.host,
      port: stack.source.port,
      database: stack.source.database,
      user: USERS.mtls,
      password: PASSWORD,
      ...{ cacert: pem.ca, cert: pem.cert, key: pem.key, key_password: KEY_PASSWORD },
    };
    const options = { timeoutMs: 20_000, path: 'sources.src.connection' };
    const namespace = kind === 'postgresql' ? 'public' : stack.source.database;
    const seen = await introspectSource(connection, [namespace], options);
    const tables = seen.schemas.flatMap((schema) => schema.tables.map((table) => table.name));
    expect(tables).toContain('mtls_items');
    const plain = introspectSource({ ...connection, tls_mode: 'disable' as const }, [], options);
    await expect(plain).rejects.toMatchObject({ code: 'CONNECTION_FAILED' });
    if (kind !== 'postgresql') return;
    const slotConnection = { ...connection, type: 'postgresql' as const };
    const slot = replicationSlotName('mtlssrc');
    // The pipeline was stopped: no backend holds the slot, and the query itself must pass TLS.
    expect(await terminateSlotHolder(slotConnection, slot)).toBeUndefined();
  }, 120_000);
});
