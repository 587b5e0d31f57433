// Makes the certificate files Debezium Server reads to reach its source over TLS, from what
// render-source-tls.ts put in the SLUICE_SOURCE_TLS variable: PEM certificates and a PKCS#8 DER
// key for pgjdbc, PKCS#12 trust and key stores for the MySQL/MariaDB connectors (keytool, so that
// Java reads the CAs as trusted entries; openssl for the key). Written into the collector's own
// folder (0700, files 0600); passwords only in the tools' environment, store passwords made up
// here and handed to the JVM through its environment.

import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SluiceError } from '../common/errors.ts';
import { runCommandRaw } from './launch-run-command.ts';
import {
  pemBlocks,
  SOURCE_TLS_ENV,
  SOURCE_TLS_FILES,
  STORE_PASSWORD_ENV,
  type SourceTlsMaterial,
} from './render-source-tls.ts';

const PASSIN = 'SLUICE_TLS_PASSIN';
const PASSOUT = 'SLUICE_TLS_PASSOUT';

/**
 * Writes the files the rendered properties name under `workDir` and returns the environment
 * the JVM gets instead of `env`: the material itself removed, the store passwords added.
 * Without SLUICE_SOURCE_TLS, returns `env` unchanged.
 */
export async function writeSourceTlsFiles(
  workDir: string,
  env: Readonly<Record<string, string | undefined>>,
  javaPath: string,
): Promise<Record<string, string | undefined>> {
  const { [SOURCE_TLS_ENV]: json, ...jvmEnv } = env;
  if (json === undefined) return { ...env };
  const material = parseMaterial(json);
  await rm(join(workDir, SOURCE_TLS_FILES.dir), { recursive: true, force: true });
  await mkdir(join(workDir, SOURCE_TLS_FILES.dir), { recursive: true, mode: 0o700 });
  const pem = {
    ca: await pemOf('cacert', material.ca),
    cert: await pemOf('cert', material.cert),
    key: await pemOf('key', material.key),
  };
  const file = (name: string) => join(workDir, name);
  if (material.format === 'pem') {
    if (pem.ca !== undefined) await writePrivate(file(SOURCE_TLS_FILES.ca), pem.ca);
    if (pem.cert !== undefined) await writePrivate(file(SOURCE_TLS_FILES.cert), pem.cert);
    if (pem.key !== undefined) {
      await pk8Key(file(SOURCE_TLS_FILES.key), pem.key, material.keyPassword);
    }
    return jvmEnv;
  }
  const keytool = join(dirname(javaPath), 'keytool');
  const extra: Record<string, string> = {};
  if (pem.ca !== undefined) {
    const password = newPassword();
    await truststore(keytool, file(SOURCE_TLS_FILES.truststore), pem.ca, password);
    extra[STORE_PASSWORD_ENV.truststore] = password;
  }
  if (pem.cert !== undefined && pem.key !== undefined) {
    const password = newPassword();
    await keystore(
      file(SOURCE_TLS_FILES.keystore),
      pem.cert,
      pem.key,
      password,
      material.keyPassword,
    );
    extra[STORE_PASSWORD_ENV.keystore] = password;
  }
  return { ...jvmEnv, ...extra };
}

function parseMaterial(json: string): SourceTlsMaterial {
  const value: unknown = JSON.parse(json);
  if (
    typeof value === 'object' &&
    value !== null &&
    'format' in value &&
    (value.format === 'pem' || value.format === 'keystore')
  ) {
    return value as SourceTlsMaterial;
  }
  throw new SluiceError(
    'CONFIG_INVALID',
    `${SOURCE_TLS_ENV} is not what render-source-tls.ts writes`,
  );
}

/** PEM text as given, or the text of the PEM file at that path (as for a target's cacert). */
async function pemOf(field: string, value: string | undefined): Promise<string | undefined> {
  if (value === undefined || value.includes('-----BEGIN ')) return value;
  try {
    return await readFile(value, 'utf8');
  } catch (error) {
    throw new SluiceError(
      'CONFIG_INVALID',
      `The source's TLS ${field} is neither PEM text nor a readable file.`,
      {
        path: `connection.${field}`,
        cause: error,
        hint: 'store the PEM text as a secret, e.g. sluice set-secret SOURCE_DB_CACERT --from-file ca.pem',
      },
    );
  }
}

function newPassword(): string {
  return randomBytes(24).toString('hex');
}

async function writePrivate(path: string, text: string): Promise<void> {
  await writeFile(path, text, { mode: 0o600 });
  await chmod(path, 0o600);
}

/**
 * pgjdbc reads a PKCS#8 DER key; an encrypted one only with a PBES1 scheme (it finds no provider
 * for openssl's default PBES2), so the key is re-encrypted with its own password that way.
 */
async function pk8Key(path: string, keyPem: string, password: string | undefined): Promise<void> {
  const encryption =
    password === undefined ? ['-nocrypt'] : ['-v1', 'PBE-SHA1-3DES', '-passout', `env:${PASSOUT}`];
  await run(
    'openssl',
    'key',
    [
      ...['pkcs8', '-topk8', '-inform', 'PEM', '-outform', 'DER', '-out', path],
      ...encryption,
      // Always given: an encrypted key without its password fails instead of prompting.
      ...['-passin', `env:${PASSIN}`],
    ],
    {
      input: keyPem,
      secrets: {
        [PASSIN]: password ?? '',
        ...(password === undefined ? {} : { [PASSOUT]: password }),
      },
    },
  );
  await chmod(path, 0o600);
}

/** Every certificate of the CA text as a trusted entry of a PKCS#12 store. */
async function truststore(
  keytool: string,
  path: string,
  ca: string,
  password: string,
): Promise<void> {
  const certificates = pemBlocks(ca, /^CERTIFICATE$/).split(/(?<=-----\n)(?=-----BEGIN)/);
  if (certificates[0] === '') {
    throw new SluiceError('CONFIG_INVALID', "The source's TLS cacert holds no PEM certificate.", {
      path: 'connection.cacert',
    });
  }
  for (const [index, certificate] of certificates.entries()) {
    await run(
      keytool,
      'cacert',
      [
        ...['-importcert', '-noprompt', '-alias', `source-ca-${index}`],
        ...['-keystore', path, '-storetype', 'PKCS12', '-storepass:env', PASSOUT],
      ],
      { input: certificate, secrets: { [PASSOUT]: password } },
    );
  }
  await chmod(path, 0o600);
}

async function keystore(
  path: string,
  cert: string,
  key: string,
  password: string,
  keyPassword: string | undefined,
): Promise<void> {
  // openssl reads the key and the certificate from files; they live only as long as this call,
  // in the folder only the collector's user can enter.
  const certFile = `${path}.cert.pem`;
  const keyFile = `${path}.key.pem`;
  await writePrivate(certFile, cert);
  await writePrivate(keyFile, key);
  try {
    await run(
      'openssl',
      'key',
      [
        ...['pkcs12', '-export', '-name', 'source-client', '-in', certFile, '-inkey', keyFile],
        ...['-out', path, '-passout', `env:${PASSOUT}`, '-passin', `env:${PASSIN}`],
      ],
      { input: '', secrets: { [PASSOUT]: password, [PASSIN]: keyPassword ?? '' } },
    );
  } finally {
    await rm(certFile, { force: true });
    await rm(keyFile, { force: true });
  }
  await chmod(path, 0o600);
}

/** Passwords reach the tools through their environment, never their arguments. */
async function run(
  command: string,
  field: string,
  args: readonly string[],
  opts: { input: string; secrets: Record<string, string> },
): Promise<void> {
  const { code, stderr } = await runCommandRaw(command, args, {
    input: opts.input,
    env: { PATH: process.env['PATH'] ?? '', ...opts.secrets },
  });
  if (code === 0) return;
  // Their stderr names what failed (a bad password, no key found), never the key itself.
  const reason = stderr.trim().split('\n')[0] ?? 'failed';
  throw new SluiceError(
    'CONFIG_INVALID',
    `Cannot make the collector's TLS files from the source's ${field}: ${reason}`,
    { path: `connection.${field}` },
  );
}
