// Debezium Server's settings for TLS to the RDI database: each Redis client of the collector
// (the sink, the offset store, the schema history) reads its own `redis.ssl.*` copy. Java reads
// certificates from key stores, not PEM: rdi-tls-stores.ts writes them, this only names them.
// Pure: the store password is a `${…}` reference, its value goes to the process environment.

import { SluiceError } from '../common/errors.ts';
import type { RdiTls } from '../common/rdi-tls.ts';

/** PKCS12 stores written for the collector, with one password for both. */
export interface JavaTlsStores {
  /** Holds the CA certificates that the RDI database's certificate must chain to. */
  readonly truststorePath: string;
  /** The client certificate and key; the truststore again when there is none (Jedis needs one). */
  readonly keystorePath: string;
  readonly password: string;
}

/** One `<prefix>redis.<name>` property; `secretEnv` names the variable that holds a secret value. */
export interface RdiTlsProperty {
  readonly name: string;
  readonly value: string | boolean;
  readonly secretEnv?: string;
}

export const RDI_TLS_STORE_PASSWORD_ENV = 'SLUICE_RDI_DB_TLS_STORE_PASSWORD';

/**
 * The `redis.ssl.*` settings for a TLS RDI database (none without TLS). Host names are always
 * verified. A TLS database without stores (the caller did not write them) is an error.
 */
export function rdiTlsProperties(
  tls: RdiTls | undefined,
  stores: JavaTlsStores | undefined,
): RdiTlsProperty[] {
  if (tls === undefined) return [];
  const verify = { name: 'ssl.hostname.verification.enabled', value: true };
  if (stores === undefined) {
    if (tls.ca !== undefined || tls.cert !== undefined) {
      throw new SluiceError(
        'CONFIG_UNSUPPORTED',
        'The collector reaches a TLS RDI database with certificates only through key stores, and none were written for it (the local runtime writes them; the Kubernetes runtime does not yet).',
        {
          path: 'SLUICE_RDI_CACERT',
          hint: 'on Kubernetes use a certificate from a CA the JVM trusts and no client certificate',
        },
      );
    }
    // System CAs, no client certificate: the JVM's default trust store is enough.
    return [{ name: 'ssl.enabled', value: true }, verify];
  }
  const password = { value: stores.password, secretEnv: RDI_TLS_STORE_PASSWORD_ENV };
  return [
    { name: 'ssl.enabled', value: true },
    verify,
    { name: 'ssl.truststore.path', value: stores.truststorePath },
    { name: 'ssl.truststore.password', ...password },
    { name: 'ssl.truststore.type', value: 'PKCS12' },
    { name: 'ssl.keystore.path', value: stores.keystorePath },
    { name: 'ssl.keystore.password', ...password },
    { name: 'ssl.keystore.type', value: 'PKCS12' },
  ];
}
