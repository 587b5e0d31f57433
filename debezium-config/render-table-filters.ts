// Turns a source's `schemas`/`databases` and `tables` (columns, keys, snapshot_sql) into
// Debezium's filter properties. Include lists are anchored Java regexes, so every name is
// regex-escaped; names that Debezium's list syntax cannot carry are refused.

import { SluiceError } from '../common/errors.ts';
import type { SourceConfig } from '../pipeline/load-config.ts';

export type RelationalKind =
  'postgresql' | 'mysql' | 'mariadb' | 'sqlserver' | 'oracle' | 'mongodb';

/** Kinds whose tables live in schemas (`schemas:`); the others in databases (`databases:`). */
export const SCHEMA_KINDS: ReadonlySet<RelationalKind> = new Set([
  'postgresql',
  'sqlserver',
  'oracle',
]);

/** The schema of an unqualified table name when `schemas` lists none. */
const DEFAULT_SCHEMA: Partial<Record<RelationalKind, string>> = {
  postgresql: 'public',
  sqlserver: 'dbo',
};

/** A table as Debezium names it: `<schema>.<table>` (PostgreSQL) or `<db>.<table>` (MySQL). */
export interface QualifiedTable {
  readonly container: string;
  readonly table: string;
  /** The key under `tables:` it came from. */
  readonly configKey: string;
}

export interface TableFilters {
  /** `schema.include.list` (PostgreSQL) or `database.include.list` (MySQL/MariaDB). */
  readonly containerIncludeList?: string;
  readonly tableIncludeList?: string;
  readonly columnIncludeList?: string;
  readonly messageKeyColumns?: string;
  /** Table ids (`schema.table`) with their snapshot SELECT, in config order. */
  readonly snapshotOverrides: readonly (readonly [tableId: string, select: string])[];
}

/** Characters with a meaning in Debezium's list syntaxes (`a,b`, `t:c1,c2;t2:c`). */
const LIST_SYNTAX = /[,;:]/;
const CONTROL = /[\u0000-\u001f\u007f]/;

export function tableFilters(
  sourceName: string,
  source: SourceConfig,
  kind: RelationalKind,
): TableFilters {
  const at = (...path: string[]) => ['sources', sourceName, ...path].join('.');
  const containers = containerNames(source, kind, at);
  const qualified = Object.entries(source.tables ?? {}).flatMap(([configKey, table]) =>
    qualify(configKey, containers, at('tables', configKey)).map((name) => ({ name, table })),
  );
  const named = (name: QualifiedTable, column: string) =>
    regexEscape(checkedName(column, at('tables', name.configKey)));

  const columnPatterns = qualified.flatMap(({ name, table }) => {
    if (table?.columns === undefined) return [`${tableRegex(name)}\\..*`];
    const columns = new Set([...table.columns, ...(table.keys ?? [])]);
    return [...columns].map((column) => `${tableRegex(name)}\\.${named(name, column)}`);
  });
  const keyColumns = qualified.flatMap(({ name, table }) =>
    table?.keys === undefined
      ? []
      : [`${tableRegex(name)}:${table.keys.map((key) => named(name, key)).join(',')}`],
  );
  const snapshotOverrides = qualified.flatMap(({ name, table }) =>
    table?.snapshot_sql === undefined
      ? []
      : [[`${name.container}.${name.table}`, table.snapshot_sql] as const],
  );
  const hasColumns = qualified.some(({ table }) => table?.columns !== undefined);
  return {
    ...(containers.explicit
      ? { containerIncludeList: containers.names.map(regexEscape).join(',') }
      : {}),
    ...(qualified.length > 0
      ? { tableIncludeList: qualified.map(({ name }) => tableRegex(name)).join(',') }
      : {}),
    ...(hasColumns ? { columnIncludeList: columnPatterns.join(',') } : {}),
    ...(keyColumns.length > 0 ? { messageKeyColumns: keyColumns.join(';') } : {}),
    snapshotOverrides,
  };
}

/**
 * The tables `tables:` names, as Debezium's data-collection ids (`<schema>.<table>` or
 * `<db>.<table>`), in config order; empty when `tables:` names none (every table is captured).
 */
export function capturedTableIds(
  sourceName: string,
  source: SourceConfig,
  kind: RelationalKind,
): string[] {
  const at = (...path: string[]) => ['sources', sourceName, ...path].join('.');
  const containers = containerNames(source, kind, at);
  return Object.keys(source.tables ?? {}).flatMap((configKey) =>
    qualify(configKey, containers, at('tables', configKey)).map(
      (name) => `${name.container}.${name.table}`,
    ),
  );
}

interface Containers {
  readonly names: readonly string[];
  /** Whether the config names them (then they become an include list). */
  readonly explicit: boolean;
}

/** The schemas (PostgreSQL) or databases (MySQL/MariaDB) that unqualified table names live in. */
function containerNames(
  source: SourceConfig,
  kind: RelationalKind,
  at: (...path: string[]) => string,
): Containers {
  const schemaKind = SCHEMA_KINDS.has(kind);
  const key = schemaKind ? 'schemas' : 'databases';
  const listed = schemaKind ? source.schemas : source.databases;
  for (const name of listed ?? []) checkedName(name, at(key));
  if (listed !== undefined && listed.length > 0) return { names: listed, explicit: true };
  if (schemaKind) {
    const schema = DEFAULT_SCHEMA[kind];
    return { names: schema === undefined ? [] : [schema], explicit: false };
  }
  const database = source.connection?.database;
  if (database === undefined) return { names: [], explicit: false };
  // MongoDB's `database` is a comma-separated list (RDI).
  const names = kind === 'mongodb' ? database.split(',').map((d) => d.trim()) : [database];
  return {
    names: names.map((name) => checkedName(name, at('connection', 'database'))),
    explicit: true,
  };
}

function qualify(configKey: string, containers: Containers, path: string): QualifiedTable[] {
  const dot = configKey.indexOf('.');
  if (dot !== -1) {
    const container = checkedName(configKey.slice(0, dot), path);
    return [{ container, table: checkedName(configKey.slice(dot + 1), path), configKey }];
  }
  if (containers.names.length === 0) {
    throw new SluiceError(
      'CONFIG_INVALID',
      `table '${configKey}' does not say which database it is in`,
      {
        path,
        hint: 'write it as <database>.<table>, or list the databases under databases',
      },
    );
  }
  const table = checkedName(configKey, path);
  return containers.names.map((container) => ({ container, table, configKey }));
}

function checkedName(name: string, path: string): string {
  if (LIST_SYNTAX.test(name) || CONTROL.test(name)) {
    throw new SluiceError(
      'CONFIG_UNSUPPORTED',
      `the name '${name}' holds a character that Debezium's filter lists cannot carry`,
      { path, hint: "names must not contain ',', ';', ':' or control characters" },
    );
  }
  return name;
}

function tableRegex(name: QualifiedTable): string {
  return `${regexEscape(name.container)}\\.${regexEscape(name.table)}`;
}

/** Escapes every Java regex metacharacter so that `name` matches only itself. */
export function regexEscape(name: string): string {
  return name.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}
