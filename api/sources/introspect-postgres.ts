// Lists a PostgreSQL source's schemas, tables, columns (with format_type's spelling) and
// primary keys from the catalogue, read-only, over one short-lived connection.

import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { groupColumns, type IntrospectionTarget, type SourceNamespace } from './source-schema.ts';

const COLUMNS_SQL = `
SELECT n.nspname AS namespace, c.relname AS "table", a.attname AS "column",
       format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,
       -- indkey is 0-based: number its members instead of trusting array positions.
       COALESCE((SELECT k.n FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
                  WHERE k.attnum = a.attnum), 0)::int AS pk_position
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
 WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
   AND a.attnum > 0 AND NOT a.attisdropped
   AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
   AND (cardinality($1::text[]) = 0 OR n.nspname = ANY($1::text[]))
 ORDER BY n.nspname, c.relname, a.attnum`;

interface Row {
  namespace: string;
  table: string;
  column: string;
  type: string;
  nullable: boolean;
  pk_position: number;
}

export async function introspectPostgres(
  target: IntrospectionTarget,
  tls?: ConnectionOptions,
): Promise<SourceNamespace[]> {
  const client = new pg.Client({
    host: target.address,
    port: target.port,
    ...(target.database === undefined ? {} : { database: target.database }),
    ...(target.user === undefined ? {} : { user: target.user }),
    ...(target.password === undefined ? {} : { password: target.password }),
    connectionTimeoutMillis: target.timeoutMs,
    statement_timeout: target.timeoutMs,
    query_timeout: target.timeoutMs,
    application_name: 'sluice-introspection',
    ssl: tls ?? false,
  });
  // A connection dropped after connect emits 'error'; the query's rejection reports it.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const result = await client.query<Row>(COLUMNS_SQL, [[...target.namespaces]]);
    return groupColumns(
      result.rows.map((row) => ({
        namespace: row.namespace,
        table: row.table,
        column: row.column,
        type: row.type,
        nullable: row.nullable,
        pkPosition: row.pk_position,
      })),
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
