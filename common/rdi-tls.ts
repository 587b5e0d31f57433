// TLS to the RDI database, the same for every component (processor, operator, collector, API,
// exporter, `sluice install`): a `rediss://` SLUICE_RDI_URL turns it on, and four environment
// variables give the certificates, each as PEM text or as the path of a PEM file (as a
// target's cacert/cert/key). The server's certificate and name are always verified.

import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { SluiceError } from './errors.ts';

export const RDI_TLS_ENV = {
  cacert: 'SLUICE_RDI_CACERT',
  cert: 'SLUICE_RDI_CERT',
  key: 'SLUICE_RDI_KEY',
  keyPassword: 'SLUICE_RDI_KEY_PASSWORD',
} as const;

/** The RDI database's TLS settings, PEM texts; all optional (system CAs, no client certificate). */
export interface RdiTls {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly passphrase?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The TLS settings for the RDI database at `url`, or undefined for a plaintext `redis://` URL.
 * Certificates given with a `redis://` URL are refused rather than silently unused.
 */
export function rdiTlsFromEnv(url: string, env: Env): RdiTls | undefined {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new SluiceError('CONFIG_INVALID', 'The RDI database URL is not a URL.', {
      path: 'SLUICE_RDI_URL',
      hint: 'redis://user:password@host:port, or rediss://… for TLS',
    });
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new SluiceError(
      'CONFIG_INVALID',
      'The RDI database URL must start with redis:// or rediss://.',
      {
        path: 'SLUICE_RDI_URL',
      },
    );
  }
  const given = (Object.keys(RDI_TLS_ENV) as (keyof typeof RDI_TLS_ENV)[]).filter(
    (field) => nonEmpty(env[RDI_TLS_ENV[field]]) !== undefined,
  );
  if (protocol === 'redis:') {
    const [first] = given;
    if (first === undefined) return undefined;
    throw new SluiceError(
      'CONFIG_INVALID',
      `${RDI_TLS_ENV[first]} is set but the RDI database URL is redis:// (plaintext).`,
      {
        path: RDI_TLS_ENV[first],
        hint: 'use rediss://host:port to reach the RDI database over TLS',
      },
    );
  }
  const cert = nonEmpty(env[RDI_TLS_ENV.cert]);
  const key = nonEmpty(env[RDI_TLS_ENV.key]);
  if ((cert === undefined) !== (key === undefined)) {
    const [has, lacks] =
      cert === undefined
        ? [RDI_TLS_ENV.key, RDI_TLS_ENV.cert]
        : [RDI_TLS_ENV.cert, RDI_TLS_ENV.key];
    throw new SluiceError('CONFIG_INVALID', `${has} is set without ${lacks}.`, {
      path: lacks,
      hint: 'a client certificate needs both its certificate and its private key',
    });
  }
  const ca = pemOf(RDI_TLS_ENV.cacert, nonEmpty(env[RDI_TLS_ENV.cacert]));
  const certPem = pemOf(RDI_TLS_ENV.cert, cert);
  const keyPem = pemOf(RDI_TLS_ENV.key, key);
  const passphrase = nonEmpty(env[RDI_TLS_ENV.keyPassword]);
  return Object.freeze({
    ...(ca === undefined ? {} : { ca }),
    ...(certPem === undefined ? {} : { cert: certPem }),
    ...(keyPem === undefined ? {} : { key: keyPem }),
    ...(passphrase === undefined ? {} : { passphrase }),
  });
}

/** Node/ioredis `tls` options: the server's certificate and host name are verified. */
export function rdiTlsOptions(tls: RdiTls): ConnectionOptions {
  return { ...tls, rejectUnauthorized: true };
}

/** ioredis options for the RDI database from its URL and the environment (empty for plaintext). */
export function rdiRedisOptions(url: string, env: Env): { tls?: ConnectionOptions } {
  const tls = rdiTlsFromEnv(url, env);
  return tls === undefined ? {} : { tls: rdiTlsOptions(tls) };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** PEM text as given, or read from the file it names; anything else is refused by name. */
function pemOf(variable: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let text = value;
  if (!value.includes('-----BEGIN ')) {
    try {
      text = readFileSync(value, 'utf8');
    } catch (error) {
      // A key given inline but not as PEM is a secret: it is never echoed.
      const secret = variable === RDI_TLS_ENV.key;
      throw new SluiceError(
        'CONFIG_INVALID',
        `${variable} is neither PEM text nor a readable file${secret ? '' : ` (${value})`}.`,
        { path: variable, ...(secret ? {} : { cause: error }) },
      );
    }
  }
  if (!text.includes('-----BEGIN ')) {
    throw new SluiceError('CONFIG_INVALID', `${variable} does not hold a PEM certificate or key.`, {
      path: variable,
    });
  }
  return text;
}
