// Templates of `sluice scaffold`: an RDI-style config.yaml for each source database type (and
// RDI's MongoDB flavors), with the database's prerequisites as comments, and an example job.
// Credentials are `${NAME}` references to secrets, never literal values. Pure.

/** `--db-type`: the sources Sluice captures with Debezium, and Supabase (a PostgreSQL). */
export const DB_TYPES = [
  'postgresql',
  'supabase',
  'mysql',
  'mariadb',
  'oracle',
  'sqlserver',
  'mongodb',
] as const;
export type DbType = (typeof DB_TYPES)[number];

/** `--db-flavor` (MongoDB only), as in RDI's scaffold. */
export const DB_FLAVORS = [
  'mongodb-replica-set',
  'mongodb-atlas',
  'mongodb-sharded-cluster',
] as const;
export type DbFlavor = (typeof DB_FLAVORS)[number];

interface SourceTemplate {
  /** The source's name in config.yaml. */
  readonly name: string;
  /** Prerequisites on the database side, as comment lines. */
  readonly prerequisites: readonly string[];
  /** The connection block, indented under `connection:`. */
  readonly connection: string;
  /** `schemas` or `databases`, indented under the source. */
  readonly scope: string;
  readonly table: string;
  /** An `advanced:` block, indented under the source, or ''. */
  readonly advanced?: string;
}

const sqlConnection = (type: string, port: number, database?: string) =>
  [
    `      type: ${type}`,
    '      host: localhost',
    `      port: ${port}`,
    ...(database === undefined ? [] : [`      database: ${database}`]),
    '      user: ${SOURCE_DB_USERNAME}',
    '      password: ${SOURCE_DB_PASSWORD}',
  ].join('\n');

const MONGO_PREREQUISITES = [
  'MongoDB runs as a replica set or sharded cluster (change streams need one); the user has',
  'read on the captured databases and on local/config, and the oplog holds the snapshot time.',
  'For jobs with a custom key, enable changeStreamPreAndPostImages on their collections.',
];

const MONGO_STRINGS: Readonly<Record<DbFlavor, string>> = {
  'mongodb-replica-set':
    'mongodb://host1:27017,host2:27017,host3:27017/?replicaSet=rs0&authSource=admin',
  'mongodb-atlas': 'mongodb+srv://cluster0.example.mongodb.net/?authSource=admin',
  'mongodb-sharded-cluster': 'mongodb://mongos:27017/?authSource=admin',
};

function template(type: DbType, flavor: DbFlavor): SourceTemplate {
  switch (type) {
    case 'postgresql':
      return {
        name: 'pg',
        prerequisites: [
          'PostgreSQL: wal_level=logical, max_replication_slots and max_wal_senders >= 1 free,',
          'a user with REPLICATION and SELECT on the tables, and the publication sluice_<source>',
          "made beforehand by the tables' owner (docs/config.md, Source database users);",
          'REPLICA IDENTITY FULL on tables whose deletes jobs must see whole.',
        ],
        connection: sqlConnection('postgresql', 5432, 'postgres'),
        scope: 'schemas:\n      - public',
        table: 'public.customers',
      };
    case 'supabase':
      return {
        name: 'supabase',
        prerequisites: [
          'Supabase (PostgreSQL): use the direct endpoint db.<project-ref>.supabase.co:5432, not',
          'the pooler (no logical replication there); a role with REPLICATION and SELECT on the',
          'tables; enable the IPv4 add-on if this host has no IPv6. One slot per pipeline.',
        ],
        connection: sqlConnection('postgresql', 5432, 'postgres').replace(
          'host: localhost',
          'host: db.<project-ref>.supabase.co',
        ),
        scope: 'schemas:\n      - public',
        table: 'public.customers',
        advanced: ['    advanced:', '      source:', '        database.sslmode: require'].join(
          '\n',
        ),
      };
    case 'mysql':
    case 'mariadb':
      return {
        name: type,
        prerequisites: [
          `${type === 'mysql' ? 'MySQL 5.7/8.x' : 'MariaDB'}: log_bin on, binlog_format=ROW, binlog_row_image=FULL, a unique server_id`,
          `${type === 'mysql' ? '(MySQL 8: gtid_mode=ON and enforce_gtid_consistency=ON recommended); ' : ''}a user with SELECT, RELOAD,`,
          'SHOW DATABASES, REPLICATION SLAVE and REPLICATION CLIENT.',
        ],
        connection: sqlConnection(type, 3306),
        scope: 'databases:\n      - shop',
        table: 'shop.customers',
      };
    case 'oracle':
      return {
        name: 'oracle',
        prerequisites: [
          'Oracle (LogMiner): ARCHIVELOG mode, supplemental logging (database, and ALL columns on',
          'the tables), a common user (c##...) with the LogMiner grants of the Debezium Oracle',
          'connector; give the CDB in database.dbname and a PDB in database.pdb.name.',
        ],
        connection: sqlConnection('oracle', 1521),
        scope: 'schemas:\n      - SHOP',
        table: 'SHOP.CUSTOMERS',
        advanced: [
          '    advanced:',
          '      source:',
          '        database.dbname: ORCLCDB',
          '        database.pdb.name: ORCLPDB1',
        ].join('\n'),
      };
    case 'sqlserver':
      return {
        name: 'sqlserver',
        prerequisites: [
          'SQL Server: SQL Server Agent running, CDC enabled on the database',
          '(sys.sp_cdc_enable_db) and on each table (sys.sp_cdc_enable_table); a user with',
          'SELECT on the tables and on the cdc schema. Azure SQL: set database.encrypt: "true".',
        ],
        connection: sqlConnection('sqlserver', 1433, 'shop'),
        scope: 'schemas:\n      - dbo',
        table: 'dbo.customers',
      };
    case 'mongodb':
      return {
        name: 'mongodb',
        prerequisites:
          flavor === 'mongodb-atlas'
            ? [...MONGO_PREREQUISITES, 'Atlas accepts TLS only: mongodb.ssl.enabled is set below.']
            : MONGO_PREREQUISITES,
        connection: [
          '      type: mongodb',
          `      connection_string: ${MONGO_STRINGS[flavor]}`,
          '      user: ${SOURCE_DB_USERNAME}',
          '      password: ${SOURCE_DB_PASSWORD}',
        ].join('\n'),
        scope: 'databases:\n      - shop',
        table: 'shop.customers',
        ...(flavor === 'mongodb-atlas'
          ? {
              advanced: [
                '    advanced:',
                '      source:',
                '        mongodb.ssl.enabled: true',
              ].join('\n'),
            }
          : {}),
      };
  }
}

export function configTemplate(type: DbType, flavor: DbFlavor = 'mongodb-replica-set'): string {
  const t = template(type, flavor);
  return `# Sluice pipeline (RDI-compatible). Set the \${NAME} secrets with \`sluice set-secret\`,
# then \`sluice deploy --dir . --dry-run\` and \`sluice deploy --dir . --start\`.
# Before you start (docs/config.md, "Preparing the source database"):
${t.prerequisites.map((line) => `#   ${line}`).join('\n')}
sources:
  ${t.name}:
    type: cdc
    logging:
      level: info
    connection:
${t.connection}
    ${t.scope}
    tables:
      ${t.table}:
${t.advanced === undefined ? '' : `${t.advanced}\n`}targets:
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
  const table = template(type, 'mongodb-replica-set').table.split('.').pop() ?? 'customers';
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
