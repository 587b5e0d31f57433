// TLS for a target connection from config.yaml's `cacert`, `cert`, `key` and `key_password`
// (RDI's names). As in RDI the values are usually secrets holding the PEM text itself
// (`${TARGET_DB_CACERT}`); a value that is not PEM is taken as the path of a PEM file.
// Any of the keys turns TLS on; the server's certificate is always verified.

import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { SluiceError } from '../common/errors.ts';
import type { TargetConfig } from '../pipeline/load-config.ts';

type Connection = TargetConfig['connection'];

/** ioredis `tls` options for the target, or undefined when it is reached without TLS. */
export function targetTls(name: string, connection: Connection): ConnectionOptions | undefined {
  const { cacert, cert, key, key_password: passphrase } = connection;
  if (cacert === undefined && cert === undefined && key === undefined) return undefined;
  if ((cert === undefined) !== (key === undefined)) {
    throw new SluiceError(
      'CONFIG_INVALID',
      `The target '${name}' has a client ${cert === undefined ? 'key' : 'certificate'} without the matching ${cert === undefined ? 'certificate' : 'key'}.`,
      { path: `targets.${name}.connection.${cert === undefined ? 'cert' : 'key'}` },
    );
  }
  const pem = (field: 'cacert' | 'cert' | 'key', value: string | undefined): string | undefined =>
    value === undefined ? undefined : pemText(name, field, value);
  const ca = pem('cacert', cacert);
  const certText = pem('cert', cert);
  const keyText = pem('key', key);
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(certText === undefined ? {} : { cert: certText }),
    ...(keyText === undefined ? {} : { key: keyText }),
    ...(passphrase === undefined ? {} : { passphrase }),
    // The certificate must name the host connected to (each node's own, on a cluster).
    rejectUnauthorized: true,
  };
}

function pemText(name: string, field: string, value: string): string {
  if (value.includes('-----BEGIN ')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (error) {
    throw new SluiceError(
      'CONFIG_INVALID',
      `targets.${name}.connection.${field} is neither PEM text nor a readable file (${value}).`,
      {
        path: `targets.${name}.connection.${field}`,
        cause: error,
        hint: 'store the PEM text as a secret, e.g. sluice set-secret TARGET_DB_CACERT --from-file ca.pem',
      },
    );
  }
}

/** ioredis options of a target from config.yaml: user, password and TLS (host and port apart). */
export function targetAuthOptions(
  name: string,
  connection: Connection,
): { username?: string; password?: string; tls?: ConnectionOptions } {
  const { user, password } = connection;
  const tls = targetTls(name, connection);
  return {
    ...(user === undefined ? {} : { username: user }),
    ...(password === undefined ? {} : { password }),
    ...(tls === undefined ? {} : { tls }),
  };
}
