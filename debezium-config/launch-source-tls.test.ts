import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTlsCertificates, type TlsCertificates } from '../harness/tls-certificates.ts';
import { findJava } from './launch-find-java.ts';
import { runCommand, runCommandRaw } from './launch-run-command.ts';
import { writeSourceTlsFiles } from './launch-source-tls.ts';
import { SOURCE_TLS_ENV, SOURCE_TLS_FILES, STORE_PASSWORD_ENV } from './render-source-tls.ts';

let dir: string;
let certs: TlsCertificates;
let pem: { ca: string; cert: string; key: string };
let javaPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-source-tls-'));
  certs = await makeTlsCertificates(join(dir, 'ca'));
  const [ca, cert, key] = await Promise.all(
    [certs.ca, certs.clientCert, certs.clientKey].map((path) => readFile(path, 'utf8')),
  );
  pem = { ca: ca ?? '', cert: cert ?? '', key: key ?? '' };
  javaPath = await findJava();
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const material = (value: object) => ({ [SOURCE_TLS_ENV]: JSON.stringify(value), KEEP: 'me' });

// keytool is a JVM: a few seconds per call on a busy machine.
describe('writeSourceTlsFiles', { timeout: 120_000 }, () => {
  it('leaves an environment without source TLS as it is', async () => {
    const env = { A: '1' };
    expect(await writeSourceTlsFiles(join(dir, 'none'), env, javaPath)).toEqual(env);
  });

  it('PostgreSQL: PEM certificates and an encrypted PKCS#8 DER key, private to the owner', async () => {
    const work = join(dir, 'pg');
    const keyPassword = 'pg-$ecret';
    const encrypted = await runCommand('openssl', ['pkey', '-aes256', '-passout', 'env:PW'], {
      input: pem.key,
      env: { PATH: process.env['PATH'] ?? '', PW: keyPassword },
    });
    const env = await writeSourceTlsFiles(
      work,
      material({
        format: 'pem',
        ca: pem.ca,
        cert: certs.clientCert,
        key: encrypted.stdout,
        keyPassword,
      }),
      javaPath,
    );
    // The JVM's environment keeps the rest and loses the key material.
    expect(env).toEqual({ KEEP: 'me' });
    expect(await readFile(join(work, SOURCE_TLS_FILES.ca), 'utf8')).toBe(pem.ca);
    // A path is read as a PEM file, as for a target's cacert.
    expect(await readFile(join(work, SOURCE_TLS_FILES.cert), 'utf8')).toBe(pem.cert);
    const keyFile = join(work, SOURCE_TLS_FILES.key);
    const decrypted = await runCommandRaw(
      'openssl',
      ['pkcs8', '-inform', 'DER', '-in', keyFile, '-passin', 'env:PW'],
      { env: { PATH: process.env['PATH'] ?? '', PW: keyPassword } },
    );
    expect(decrypted.code).toBe(0);
    expect(decrypted.stdout).toBe(pem.key);
    for (const name of [SOURCE_TLS_FILES.ca, SOURCE_TLS_FILES.cert, SOURCE_TLS_FILES.key]) {
      expect((await stat(join(work, name))).mode & 0o777).toBe(0o600);
    }
    expect((await stat(join(work, SOURCE_TLS_FILES.dir))).mode & 0o777).toBe(0o700);
  });

  it('MySQL/MariaDB: PKCS#12 stores Java opens with the passwords handed to the JVM', async () => {
    const work = join(dir, 'mariadb');
    const env = await writeSourceTlsFiles(
      work,
      material({ format: 'keystore', ca: pem.ca, cert: pem.cert, key: pem.key }),
      javaPath,
    );
    const trustPassword = env[STORE_PASSWORD_ENV.truststore] ?? '';
    const keyPassword = env[STORE_PASSWORD_ENV.keystore] ?? '';
    expect(trustPassword).toMatch(/^[0-9a-f]{48}$/);
    expect(keyPassword).not.toBe(trustPassword);
    const list = (store: string, password: string) =>
      runCommand(
        join(dirname(javaPath), 'keytool'),
        ['-list', '-keystore', join(work, store), '-storetype', 'PKCS12', '-storepass:env', 'PW'],
        { env: { PATH: process.env['PATH'] ?? '', PW: password } },
      );
    expect((await list(SOURCE_TLS_FILES.truststore, trustPassword)).stdout).toContain(
      'trustedCertEntry',
    );
    expect((await list(SOURCE_TLS_FILES.keystore, keyPassword)).stdout).toContain(
      'PrivateKeyEntry',
    );
    const wrong = await runCommandRaw(
      join(dirname(javaPath), 'keytool'),
      ['-list', '-keystore', join(work, SOURCE_TLS_FILES.keystore), '-storepass:env', 'PW'],
      { env: { PATH: process.env['PATH'] ?? '', PW: 'wrong' } },
    );
    expect(wrong.code).not.toBe(0);
  });

  it('refuses a key that cannot be read, naming the setting and not the key', async () => {
    const broken = pem.key.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA');
    const file = join(dir, 'broken.key');
    await writeFile(file, broken);
    const attempt = writeSourceTlsFiles(
      join(dir, 'broken'),
      material({ format: 'pem', ca: pem.ca, cert: pem.cert, key: file }),
      javaPath,
    );
    await expect(attempt).rejects.toMatchObject({ code: 'CONFIG_INVALID', path: 'connection.key' });
    await expect(attempt).rejects.not.toThrow(broken.slice(40, 80));
  });
});
