// The api process's settings, read once from the environment at boot, checked and frozen.
// A missing token secret is generated (with a warning): tokens then end with the process.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SluiceError } from '../common/errors.ts';
import { rdiTlsFromEnv, type RdiTls } from '../common/rdi-tls.ts';

export interface ServerConfig {
  readonly rdiUrl: string;
  /** TLS to the RDI database (rediss:// with SLUICE_RDI_CACERT/CERT/KEY); none for redis://. */
  readonly rdiTls: RdiTls | undefined;
  readonly host: string;
  readonly port: number;
  readonly tokenSecret: Uint8Array;
  readonly tokenTtlSeconds: number;
  /** True when the secret was generated because none was configured. */
  readonly generatedSecret: boolean;
}

export function serverConfigFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): ServerConfig {
  const secretText =
    env.SLUICE_JWT_SECRET ??
    (env.SLUICE_JWT_SECRET_FILE === undefined
      ? undefined
      : readFileSync(env.SLUICE_JWT_SECRET_FILE, 'utf8').trim());
  if (secretText !== undefined && Buffer.byteLength(secretText) < 32) {
    throw new SluiceError('CONFIG_INVALID', 'SLUICE_JWT_SECRET must be at least 32 bytes long.', {
      path: 'SLUICE_JWT_SECRET',
    });
  }
  const rdiUrl = env.SLUICE_RDI_URL ?? 'redis://127.0.0.1:6379';
  return Object.freeze({
    rdiUrl,
    rdiTls: rdiTlsFromEnv(rdiUrl, env),
    host: env.SLUICE_API_HOST ?? '127.0.0.1',
    port: integer(env.SLUICE_API_PORT, 8180, 'SLUICE_API_PORT', 0, 65535),
    tokenSecret: secretText === undefined ? randomBytes(32) : new TextEncoder().encode(secretText),
    tokenTtlSeconds: integer(
      env.SLUICE_TOKEN_TTL_SECONDS,
      900,
      'SLUICE_TOKEN_TTL_SECONDS',
      30,
      86400,
    ),
    generatedSecret: secretText === undefined,
  });
}

function integer(
  text: string | undefined,
  fallback: number,
  name: string,
  min: number,
  max: number,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SluiceError('CONFIG_INVALID', `${name} must be an integer from ${min} to ${max}.`, {
      path: name,
    });
  }
  return value;
}
