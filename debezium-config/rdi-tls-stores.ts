// Writes the PKCS12 key stores through which Debezium Server (Java) reaches a TLS RDI database:
// a trust store of the CA certificates (keytool, so that Java reads them as trusted entries)
// and a key store of the client certificate (openssl). Into a private folder of the pipeline's
// work dir (0700, files 0600), with a fresh random password that only travels in environments.

import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SluiceError } from '../common/errors.ts';
import { RDI_TLS_ENV, type RdiTls } from '../common/rdi-tls.ts';
import { runCommandRaw } from './launch-run-command.ts';
import type { JavaTlsStores } from './render-rdi-tls.ts';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const STORE_PASSWORD = 'SLUICE_STORE_PASSWORD';
const KEY_PASSWORD = 'SLUICE_KEY_PASSWORD';

/**
 * The stores for `tls` in `dir` (replaced if present), or undefined when Java needs none
 * (no CA and no client certificate: the JVM's own trust store). `javaPath` locates keytool.
 */
export async function writeRdiTlsStores(
  dir: string,
  tls: RdiTls,
  javaPath: string,
): Promise<JavaTlsStores | undefined> {
  if (tls.ca === undefined && tls.cert === undefined) return undefined;
  if (tls.ca === undefined) {
    throw new SluiceError(
      'CONFIG_UNSUPPORTED',
      `The collector presents a client certificate to the RDI database only with ${RDI_TLS_ENV.cacert} set.`,
      {
        path: RDI_TLS_ENV.cacert,
        hint: "set it to the CA that signed the RDI database's certificate",
      },
    );
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const password = randomBytes(24).toString('hex');
  const env = { ...process.env, [STORE_PASSWORD]: password };
  const truststorePath = join(dir, 'truststore.p12');
  const certificates = tls.ca.match(PEM_CERTIFICATE) ?? [];
  if (certificates.length === 0) {
    throw new SluiceError('CONFIG_INVALID', `${RDI_TLS_ENV.cacert} holds no PEM certificate.`, {
      path: RDI_TLS_ENV.cacert,
    });
  }
  const keytool = join(dirname(javaPath), 'keytool');
  for (const [index, certificate] of certificates.entries()) {
    const file = join(dir, `ca-${index}.pem`);
    await writeFile(file, `${certificate}\n`, { mode: 0o600 });
    await check(
      RDI_TLS_ENV.cacert,
      runCommandRaw(
        keytool,
        [
          ...['-importcert', '-noprompt', '-alias', `rdi-ca-${index}`, '-file', file],
          ...['-keystore', truststorePath, '-storetype', 'PKCS12'],
          `-storepass:env`,
          STORE_PASSWORD,
        ],
        { env },
      ),
    );
    await rm(file);
  }
  await chmod(truststorePath, 0o600);
  if (tls.cert === undefined || tls.key === undefined) {
    return { truststorePath, keystorePath: truststorePath, password };
  }
  const keystorePath = join(dir, 'keystore.p12');
  const certFile = join(dir, 'client.pem');
  const keyFile = join(dir, 'client.key');
  await writeFile(certFile, tls.cert, { mode: 0o600 });
  await writeFile(keyFile, tls.key, { mode: 0o600 });
  try {
    await check(
      RDI_TLS_ENV.key,
      runCommandRaw(
        'openssl',
        [
          ...['pkcs12', '-export', '-in', certFile, '-inkey', keyFile, '-name', 'rdi-client'],
          ...['-out', keystorePath, '-passout', `env:${STORE_PASSWORD}`],
          ...(tls.passphrase === undefined ? [] : ['-passin', `env:${KEY_PASSWORD}`]),
        ],
        {
          env: {
            ...env,
            ...(tls.passphrase === undefined ? {} : { [KEY_PASSWORD]: tls.passphrase }),
          },
        },
      ),
    );
  } finally {
    await rm(certFile, { force: true });
    await rm(keyFile, { force: true });
  }
  await chmod(keystorePath, 0o600);
  return { truststorePath, keystorePath, password };
}

/** A failed keytool/openssl run names the setting; its stderr never holds key material. */
async function check(
  variable: string,
  result: Promise<{ code: number | null; stderr: string }>,
): Promise<void> {
  const { code, stderr } = await result;
  if (code === 0) return;
  throw new SluiceError(
    'CONFIG_INVALID',
    `Cannot make the collector's key store from ${variable}: ${stderr.trim().split('\n')[0] ?? 'failed'}`,
    { path: variable },
  );
}
