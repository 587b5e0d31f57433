// Introspects a source database named by its connection settings: refuses unsupported kinds
// and forbidden addresses (link-local, cloud metadata) first, then asks the catalogue through
// the right driver. Failures become coded errors that never quote the password.

import { SluiceError } from '../../common/errors.ts';
import { resolveAllowedAddress } from '../net/resolve-allowed.ts';
import type { Redactor } from '../secrets/redact-secrets.ts';
import { introspectMysql } from './introspect-mysql.ts';
import { introspectPostgres } from './introspect-postgres.ts';
import { sourceClientTls, type SourceTlsConnection } from './source-client-tls.ts';
import type { IntrospectionTarget, SourceNamespace } from './source-schema.ts';

export interface SourceConnection extends SourceTlsConnection {
  readonly type: string;
  readonly host?: string;
  readonly port?: number;
  readonly database?: string;
  readonly user?: string;
  readonly password?: string;
}

export interface Introspection {
  readonly type: IntrospectionTarget['type'];
  /** `schema` for PostgreSQL, `database` for MySQL/MariaDB. */
  readonly namespace_kind: 'schema' | 'database';
  readonly schemas: SourceNamespace[];
}

const DEFAULT_PORTS = { postgresql: 5432, mysql: 3306, mariadb: 3306 } as const;

export async function introspectSource(
  connection: SourceConnection,
  namespaces: readonly string[],
  options: {
    readonly timeoutMs: number;
    readonly path: string;
    /** Hides the stored secrets' values (a host or user may be one) in every message. */
    readonly redact?: Redactor;
  },
): Promise<Introspection> {
  const redact = options.redact ?? ((text: string) => text);
  const { type } = connection;
  if (type !== 'postgresql' && type !== 'mysql' && type !== 'mariadb') {
    throw new SluiceError(
      'CONFIG_UNSUPPORTED',
      `Introspection of ${type} sources is not supported.`,
      { path: `${options.path}.type`, hint: 'supported: postgresql, mysql, mariadb' },
    );
  }
  if (connection.host === undefined) {
    throw new SluiceError('CONFIG_INVALID', 'The source connection has no host.', {
      path: `${options.path}.host`,
    });
  }
  const resolved = await resolveAllowedAddress(connection.host);
  if (!resolved.ok) {
    throw new SluiceError(resolved.code, redact(resolved.message), {
      path: `${options.path}.host`,
    });
  }
  const port = connection.port ?? DEFAULT_PORTS[type];
  const target: IntrospectionTarget = {
    type,
    address: resolved.address,
    port,
    ...(connection.database === undefined ? {} : { database: connection.database }),
    ...(connection.user === undefined ? {} : { user: connection.user }),
    ...(connection.password === undefined ? {} : { password: connection.password }),
    namespaces,
    timeoutMs: options.timeoutMs,
  };
  const tls = sourceClientTls(connection, connection.host, options.path);
  try {
    const schemas =
      type === 'postgresql'
        ? await introspectPostgres(target, tls)
        : await introspectMysql(target, tls);
    return { type, namespace_kind: type === 'postgresql' ? 'schema' : 'database', schemas };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const safe =
      connection.password === undefined || connection.password.length === 0
        ? reason
        : reason.split(connection.password).join('***');
    throw new SluiceError('CONNECTION_FAILED', redact(`${connection.host}:${port}: ${safe}`), {
      path: options.path,
      cause: error,
    });
  }
}
