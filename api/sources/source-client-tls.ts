// TLS of Sluice's own clients of a source database (introspection, the operator's replication-
// slot maintenance), from the `connection` keys Debezium honours too (render-source-tls.ts):
// `tls_mode`, else verify-full as soon as a certificate is given. Certificates are PEM text or
// the path of a PEM file. Settings given only in `advanced.source` reach Debezium alone.

import { readFileSync } from 'node:fs';
import { checkServerIdentity, type ConnectionOptions } from 'node:tls';
import { SluiceError } from '../../common/errors.ts';

export interface SourceTlsConnection {
  readonly cacert?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly key_password?: string;
  readonly tls_mode?: 'disable' | 'require' | 'verify-ca' | 'verify-full';
}

/**
 * Node TLS options for a client of the source, or undefined for a plaintext connection. `host`
 * is the name the server's certificate must carry under verify-full (the client may connect to
 * its resolved address).
 */
export function sourceClientTls(
  connection: SourceTlsConnection,
  host: string,
  path: string,
): ConnectionOptions | undefined {
  const { cacert, cert, key, key_password: passphrase } = connection;
  const given = cacert !== undefined || cert !== undefined || key !== undefined;
  const mode = connection.tls_mode ?? (given ? 'verify-full' : 'disable');
  if (mode === 'disable') return undefined;
  const pem = (field: 'cacert' | 'cert' | 'key', value: string | undefined) =>
    value === undefined
      ? {}
      : { [field === 'cacert' ? 'ca' : field]: pemText(value, `${path}.${field}`) };
  const verify = mode !== 'require';
  return {
    ...pem('cacert', cacert),
    ...pem('cert', cert),
    ...pem('key', key),
    ...(passphrase === undefined ? {} : { passphrase }),
    rejectUnauthorized: verify,
    checkServerIdentity:
      mode === 'verify-full'
        ? (_name, certificate) => checkServerIdentity(host, certificate)
        : () => undefined,
  };
}

function pemText(value: string, path: string): string {
  if (value.includes('-----BEGIN ')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (error) {
    throw new SluiceError('CONFIG_INVALID', `${path} is neither PEM text nor a readable file.`, {
      path,
      cause: error,
      hint: 'store the PEM text as a secret, e.g. sluice set-secret SOURCE_DB_CACERT --from-file ca.pem',
    });
  }
}
