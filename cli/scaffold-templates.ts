// Templates of `sluice scaffold`: an RDI-style config.yaml for each source database type and
// an example job. Credentials are `${NAME}` references to secrets, never literal values. Pure.

import { SOURCE_DATABASE_TYPES } from '../pipeline/config-schema.ts';

export type DbType = (typeof SOURCE_DATABASE_TYPES)[number];
export const DB_TYPES: readonly DbType[] = SOURCE_DATABASE_TYPES;

interface SourceDefaults {
  readonly port: number;
  /** `schemas` or `databases` block, already indented under the source. */
  readonly scope: string;
  readonly database?: string;
  readonly table: string;
}

const DEFAULTS: Readonly<Record<DbType, SourceDefaults>> = {
  postgresql: {
    port: 5432,
    database: 'postgres',
    scope: 'schemas:\n      - public',
    table: 'public.customers',
  },
  mysql: { port: 3306, scope: 'databases:\n      - shop', table: 'shop.customers' },
  mariadb: { port: 3306, scope: 'databases:\n      - shop', table: 'shop.customers' },
  oracle: {
    port: 1521,
    database: 'ORCLCDB',
    scope: 'schemas:\n      - SHOP',
    table: 'SHOP.CUSTOMERS',
  },
  sqlserver: {
    port: 1433,
    database: 'shop',
    scope: 'schemas:\n      - dbo',
    table: 'dbo.customers',
  },
  mongodb: { port: 27017, scope: 'schemas:\n      - shop', table: 'shop.customers' },
};

export function configTemplate(type: DbType): string {
  const d = DEFAULTS[type];
  const connection =
    type === 'mongodb'
      ? `      type: mongodb
      connection_string: \${SOURCE_DB_CONNECTION_STRING}`
      : `      type: ${type}
      host: localhost
      port: ${d.port}
${d.database === undefined ? '' : `      database: ${d.database}\n`}      user: \${SOURCE_DB_USERNAME}
      password: \${SOURCE_DB_PASSWORD}`;
  return `# Sluice pipeline (RDI-compatible). Set the \${NAME} secrets with \`sluice set-secret\`,
# then \`sluice deploy --dir . --dry-run\` and \`sluice deploy --dir . --start\`.
sources:
  ${type === 'postgresql' ? 'pg' : type}:
    type: cdc
    logging:
      level: info
    connection:
${connection}
    ${d.scope}
    tables:
      ${d.table}:
targets:
  target:
    connection:
      type: redis
      host: localhost
      port: 6379
      user: \${TARGET_DB_USERNAME}
      password: \${TARGET_DB_PASSWORD}
processors:
  target_data_type: hash
  error_handling: dlq
`;
}

export function jobTemplate(type: DbType): string {
  const table = DEFAULTS[type].table.split('.').pop() ?? 'customers';
  return `# One job per table: filter and reshape records, then choose how they are written.
source:
  table: ${table}
transform:
  - uses: filter
    with:
      expression: active = true
      language: sql
output:
  - uses: redis.write
    with:
      data_type: hash
      key:
        expression: concat(['customer:', id])
        language: jmespath
`;
}
