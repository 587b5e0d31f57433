// What source introspection returns and the connection it needs: schemas (PostgreSQL) or
// databases (MySQL/MariaDB) with their tables, columns, types and primary keys. Also groups
// the flat column rows both drivers return into that tree. Pure.

export interface SourceColumn {
  readonly name: string;
  /** The type as the database spells it, e.g. `numeric(10,2)`, `varchar(40)`. */
  readonly type: string;
  readonly nullable: boolean;
  /** 1-based position in the primary key, absent when not part of it. */
  readonly primary_key_position?: number;
}

export interface SourceTable {
  readonly name: string;
  readonly primary_key: string[];
  readonly columns: SourceColumn[];
}

export interface SourceNamespace {
  /** Schema name (PostgreSQL) or database name (MySQL/MariaDB). */
  readonly name: string;
  readonly tables: SourceTable[];
}

export interface IntrospectionTarget {
  readonly type: 'postgresql' | 'mysql' | 'mariadb';
  /** Address already checked against the address guard. */
  readonly address: string;
  readonly port: number;
  readonly database?: string;
  readonly user?: string;
  readonly password?: string;
  /** Schemas (PostgreSQL) or databases (MySQL/MariaDB) to list; all non-system ones if empty. */
  readonly namespaces: readonly string[];
  readonly timeoutMs: number;
}

export interface ColumnRow {
  readonly namespace: string;
  readonly table: string;
  readonly column: string;
  readonly type: string;
  readonly nullable: boolean;
  /** 0 when not in the primary key. */
  readonly pkPosition: number;
}

/** Groups rows (ordered by namespace, table, column position) into the schema tree. */
export function groupColumns(rows: readonly ColumnRow[]): SourceNamespace[] {
  const namespaces = new Map<string, Map<string, SourceTable>>();
  const keyParts = new Map<SourceTable, [number, string][]>();
  for (const row of rows) {
    let tables = namespaces.get(row.namespace);
    if (tables === undefined) {
      tables = new Map<string, SourceTable>();
      namespaces.set(row.namespace, tables);
    }
    let table = tables.get(row.table);
    if (table === undefined) {
      table = { name: row.table, primary_key: [], columns: [] };
      tables.set(row.table, table);
      keyParts.set(table, []);
    }
    table.columns.push({
      name: row.column,
      type: row.type,
      nullable: row.nullable,
      ...(row.pkPosition > 0 ? { primary_key_position: row.pkPosition } : {}),
    });
    if (row.pkPosition > 0) keyParts.get(table)?.push([row.pkPosition, row.column]);
  }
  for (const [table, parts] of keyParts) {
    table.primary_key.push(...parts.sort((a, b) => a[0] - b[0]).map(([, column]) => column));
  }
  return [...namespaces].map(([name, tables]) => ({ name, tables: [...tables.values()] }));
}
