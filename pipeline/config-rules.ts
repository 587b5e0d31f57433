// Checks of config.yaml that one JSON Schema cannot express: which connection keys a database
// type needs, which filters apply to it, and names that must fit into stream names.
// Runs on a config that already matches the schema.

import type { ConfigProblem } from './config-problem.ts';
import type { PipelineConfigData } from './config-schema.ts';

type Source = PipelineConfigData['sources'][string];

/** Source names become the `<source>` of `data:<source>.<schema>.<table>`: no dots. */
const SOURCE_NAME = /^[A-Za-z0-9_-]+$/;

const NEEDS_DATABASE = new Set(['postgresql', 'oracle', 'sqlserver']);
/** The connector property that may give the database instead (RDI's Oracle examples do). */
const DATABASE_PROPERTY: Readonly<Record<string, string>> = { oracle: 'database.dbname' };
const USES_DATABASES = new Set(['mysql', 'mariadb', 'mongodb']);
/** RDI's Spanner and Snowflake connections belong to its Flink and RIOT-X collectors. */
const COLLECTOR_OF: Readonly<Record<string, string>> = { spanner: 'flink', snowflake: 'riotx' };

export function configRuleProblems(config: PipelineConfigData): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [name, source] of Object.entries(config.sources)) {
    if (!SOURCE_NAME.test(name)) {
      problems.push({
        code: 'CONFIG_INVALID',
        path: ['sources', name],
        part: 'key',
        message: `source name '${name}' may hold only letters, digits, '_' and '-'`,
        hint: 'the name prefixes every stream of the source: data:<source>.<schema>.<table>',
      });
    }
    if (source.type === 'cdc') problems.push(...cdcSourceProblems(name, source));
  }
  return problems;
}

function cdcSourceProblems(name: string, source: Source): ConfigProblem[] {
  const at = (...path: string[]) => ['sources', name, ...path];
  const connection = source.connection;
  if (connection === undefined) {
    return [missing(at('connection'), 'a cdc source needs a connection')];
  }
  const problems: ConfigProblem[] = [];
  const kind = connection.type;
  const collector = COLLECTOR_OF[kind];
  if (collector !== undefined) {
    return [
      {
        code: 'CONFIG_INVALID',
        path: at('type'),
        part: 'key',
        message: `a ${kind} source is captured by RDI's ${collector} collector, not by Debezium`,
        hint: `set type: ${collector} (Sluice accepts it and captures nothing: docs/config.md), or type: external`,
      },
    ];
  }
  if (kind === 'mongodb') {
    if (connection.connection_string === undefined && connection.host === undefined) {
      problems.push(
        missing(
          at('connection', 'connection_string'),
          'MongoDB needs a connection_string or a host',
        ),
      );
    }
  } else {
    for (const key of ['host', 'port', 'user'] as const) {
      if (connection[key] === undefined)
        problems.push(missing(at('connection', key), `${kind} needs ${key}`));
    }
    const property = DATABASE_PROPERTY[kind];
    const givenAdvanced =
      property !== undefined && source.advanced?.source?.[property] !== undefined;
    if (NEEDS_DATABASE.has(kind) && connection.database === undefined && !givenAdvanced) {
      problems.push(
        missing(at('connection', 'database'), `${kind} needs the database to connect to`),
      );
    }
  }
  if (source.databases !== undefined && !USES_DATABASES.has(kind)) {
    problems.push({
      code: 'CONFIG_INVALID',
      path: at('databases'),
      part: 'key',
      message: `'databases' applies to mysql, mariadb and mongodb sources, not ${kind}`,
      hint: 'list schemas under schemas',
    });
  }
  if (source.schemas !== undefined && USES_DATABASES.has(kind)) {
    problems.push({
      code: 'CONFIG_INVALID',
      path: at('schemas'),
      part: 'key',
      message: `'schemas' does not apply to ${kind} sources`,
      hint: 'MySQL and MariaDB call them databases: list them under databases',
    });
  }
  for (const [table, settings] of Object.entries(source.tables ?? {})) {
    if (settings?.exclude_columns !== undefined && kind !== 'mongodb') {
      problems.push({
        code: 'CONFIG_INVALID',
        path: at('tables', table, 'exclude_columns'),
        part: 'key',
        message: 'exclude_columns applies to mongodb sources (as in RDI)',
        hint: 'list the columns to capture under columns',
      });
    }
    if (table.split('.').length > 2 || table.startsWith('.') || table.endsWith('.')) {
      problems.push({
        code: 'CONFIG_INVALID',
        path: at('tables', table),
        part: 'key',
        message: `table '${table}' must be written as 'table' or 'schema.table'`,
      });
    }
  }
  return problems;
}

function missing(path: string[], why: string): ConfigProblem {
  return {
    code: 'CONFIG_INVALID',
    path,
    part: 'key',
    message: `missing required key '${path.at(-1) ?? ''}'`,
    hint: why,
  };
}
