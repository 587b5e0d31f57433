// Checks of config.yaml that one JSON Schema cannot express: which connection keys a database
// type needs, which filters apply to it, and names that must fit into stream names.
// Runs on a config that already matches the schema.

import type { ConfigProblem } from './config-problem.ts';
import type { PipelineConfigData } from './config-schema.ts';

type Source = PipelineConfigData['sources'][string];

/** Source names become the `<source>` of `data:<source>.<schema>.<table>`: no dots. */
const SOURCE_NAME = /^[A-Za-z0-9_-]+$/;

const NEEDS_DATABASE = new Set(['postgresql', 'oracle', 'sqlserver']);
const USES_DATABASES = new Set(['mysql', 'mariadb']);

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
    if (NEEDS_DATABASE.has(kind) && connection.database === undefined) {
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
      message: `'databases' applies to mysql and mariadb sources, not ${kind}`,
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
  for (const table of Object.keys(source.tables ?? {})) {
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
