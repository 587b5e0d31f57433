// Lists a MySQL/MariaDB source's databases, tables, columns (COLUMN_TYPE's spelling) and
// primary keys from information_schema, read-only, over one short-lived connection.

import type { ConnectionOptions } from 'node:tls';
import mysql from 'mysql2/promise';
import { groupColumns, type IntrospectionTarget, type SourceNamespace } from './source-schema.ts';

const SYSTEM = ['mysql', 'information_schema', 'performance_schema', 'sys'];

const COLUMNS_SQL = `
SELECT c.TABLE_SCHEMA AS namespace, c.TABLE_NAME AS \`table\`, c.COLUMN_NAME AS \`column\`,
       c.COLUMN_TYPE AS type, c.IS_NULLABLE = 'YES' AS nullable,
       COALESCE(k.ORDINAL_POSITION, 0) AS pk_position
  FROM information_schema.COLUMNS c
  JOIN information_schema.TABLES t
    ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
  LEFT JOIN information_schema.KEY_COLUMN_USAGE k
    ON k.TABLE_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME
   AND k.COLUMN_NAME = c.COLUMN_NAME AND k.CONSTRAINT_NAME = 'PRIMARY'
 WHERE t.TABLE_TYPE = 'BASE TABLE'`;

interface Row {
  namespace: string;
  table: string;
  column: string;
  type: string | Buffer;
  nullable: number | string;
  pk_position: number | string;
}

export async function introspectMysql(
  target: IntrospectionTarget,
  tls?: ConnectionOptions,
): Promise<SourceNamespace[]> {
  const connection = await mysql.createConnection({
    host: target.address,
    port: target.port,
    ...(tls === undefined ? {} : { ssl: mysqlSsl(tls) }),
    ...(target.database === undefined ? {} : { database: target.database }),
    ...(target.user === undefined ? {} : { user: target.user }),
    ...(target.password === undefined ? {} : { password: target.password }),
    connectTimeout: target.timeoutMs,
  });
  connection.on('error', () => undefined);
  try {
    const names = target.namespaces.length > 0 ? target.namespaces : undefined;
    const filter =
      names === undefined
        ? ` AND c.TABLE_SCHEMA NOT IN (${SYSTEM.map(() => '?').join(', ')})`
        : ` AND c.TABLE_SCHEMA IN (${names.map(() => '?').join(', ')})`;
    const sql = `${COLUMNS_SQL}${filter} ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION`;
    const [rows] = await connection.query({ sql, timeout: target.timeoutMs }, [
      ...(names ?? SYSTEM),
    ]);
    return groupColumns(
      (rows as Row[]).map((row) => ({
        namespace: row.namespace,
        table: row.table,
        column: row.column,
        type: String(row.type),
        nullable: Number(row.nullable) === 1,
        pkPosition: Number(row.pk_position),
      })),
    );
  } finally {
    await connection.end().catch(() => undefined);
  }
}

/**
 * mysql2 takes certificates, not a host-name check of its own choosing: it would check the
 * resolved address it connects to, so only the CA is verified here (Debezium checks the name).
 */
function mysqlSsl(tls: ConnectionOptions): mysql.SslOptions {
  const pick = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const ca = pick(tls.ca);
  const cert = pick(tls.cert);
  const key = pick(tls.key);
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase }),
    rejectUnauthorized: tls.rejectUnauthorized !== false,
    verifyIdentity: false,
  };
}
