// The first connection of a component to the RDI database, and the one place that turns a
// failed connection (TLS above all) into a coded error saying which setting to fix: a wrong CA
// or a missing client certificate must stop a component with a clear message, not leave it
// reconnecting forever.

import type { Redis } from 'ioredis';
import { SluiceError } from './errors.ts';
import { RDI_TLS_ENV } from './rdi-tls.ts';

/** Node's codes for a server certificate that does not chain to a trusted CA. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
]);

/** Alerts of a server that wants a (valid) client certificate. */
const CLIENT_CERT_REFUSED =
  /ERR_SSL_(TLSV13_ALERT_CERTIFICATE_REQUIRED|SSLV3_ALERT_BAD_CERTIFICATE|TLSV1_ALERT_UNKNOWN_CA|SSLV3_ALERT_HANDSHAKE_FAILURE|SSLV3_ALERT_CERTIFICATE_UNKNOWN)/;

/** A TLS client at a plaintext port. */
const NOT_TLS = /ERR_SSL_(WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST)/;

/** Connects a `lazyConnect` client; any failure is thrown as rdiConnectionFailure's error. */
export async function connectRdi(client: Redis, url: string): Promise<void> {
  // connect() rejects with a bare "Connection is closed."; the TLS reason (wrong CA, refused
  // client certificate) arrives as the client's error event.
  let reason: unknown;
  const record = (error: unknown): void => {
    reason = error;
  };
  client.on('error', record);
  try {
    await client.connect();
  } catch (error) {
    throw rdiConnectionFailure(reason ?? error, url);
  } finally {
    client.off('error', record);
  }
}

/**
 * RDI_DB_TLS for a TLS set-up that cannot work as configured (retrying will not help);
 * RDI_DB_UNAVAILABLE otherwise. Never includes the URL's credentials.
 */
export function rdiConnectionFailure(error: unknown, url: string): SluiceError {
  const { address, tls } = describe(url);
  const code = errorCode(error);
  const text = error instanceof Error ? error.message : String(error);
  const tlsError = (message: string, path: string, hint: string): SluiceError =>
    new SluiceError('RDI_DB_TLS', `${message} (${code ?? text})`, { path, hint, cause: error });
  if (UNTRUSTED.has(code ?? '')) {
    return tlsError(
      `The RDI database at ${address} presented a certificate that is not trusted.`,
      RDI_TLS_ENV.cacert,
      `${RDI_TLS_ENV.cacert} must hold the certificate of the CA that signed the server's certificate`,
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return tlsError(
      `The RDI database's certificate does not name ${address}.`,
      'SLUICE_RDI_URL',
      "connect with a host name the server's certificate lists",
    );
  }
  // With TLS 1.3 a server that refuses the client's certificate (or its absence) just closes
  // the connection once the handshake is over: the client sees a reset, not an alert.
  const closed = code === 'ECONNRESET' || /Connection is closed/.test(text);
  if (CLIENT_CERT_REFUSED.test(code ?? '') || (tls && closed)) {
    return tlsError(
      `The RDI database at ${address} ended the TLS connection: it requires a client certificate signed by a CA it trusts.`,
      RDI_TLS_ENV.cert,
      `set ${RDI_TLS_ENV.cert} and ${RDI_TLS_ENV.key} to such a certificate and its key`,
    );
  }
  if (tls && NOT_TLS.test(code ?? '')) {
    return tlsError(
      `The RDI database at ${address} does not speak TLS.`,
      'SLUICE_RDI_URL',
      'use redis:// for a plaintext server, or enable its tls-port',
    );
  }
  if (!tls && closed) {
    return new SluiceError(
      'RDI_DB_UNAVAILABLE',
      `The RDI database at ${address} closed the connection without answering (${code ?? text}).`,
      {
        path: 'SLUICE_RDI_URL',
        hint: 'a server that accepts TLS only closes plaintext connections: use rediss://',
        cause: error,
      },
    );
  }
  return new SluiceError(
    'RDI_DB_UNAVAILABLE',
    `Cannot reach the RDI database at ${address}: ${text}`,
    { path: 'SLUICE_RDI_URL', cause: error },
  );
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

function describe(url: string): { address: string; tls: boolean } {
  try {
    const parsed = new URL(url);
    return { address: parsed.host, tls: parsed.protocol === 'rediss:' };
  } catch {
    return { address: '(unparsable URL)', tls: false };
  }
}
