// The collector's PKCS12 stores for a TLS RDI database, made by the real keytool and openssl
// from test certificates: private files, a trusted CA entry, the client's key entry (also from
// an encrypted key), and a clear error for a wrong key passphrase.
import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeTlsCertificates, type TlsCertificates } from '../harness/tls-certificates.ts';
import { useTestContext } from '../harness/test-context.ts';
import { findJava } from './launch-find-java.ts';
import { writeRdiTlsStores } from './rdi-tls-stores.ts';

const run = promisify(execFile);
const ctx = useTestContext();
let certs: TlsCertificates;
let javaPath: string;
const pem = { ca: '', cert: '', key: '' };

beforeAll(async () => {
  certs = await makeTlsCertificates(join(ctx.dir, 'certs'));
  javaPath = await findJava();
  pem.ca = await readFile(certs.ca, 'utf8');
  pem.cert = await readFile(certs.clientCert, 'utf8');
  pem.key = await readFile(certs.clientKey, 'utf8');
}, 60_000);

/** `keytool -list` of a store: its entry lines. */
async function entries(path: string, password: string): Promise<string> {
  const { stdout } = await run(join(dirname(javaPath), 'keytool'), [
    ...['-list', '-keystore', path, '-storetype', 'PKCS12', '-storepass', password],
  ]);
  return stdout;
}

describe('writeRdiTlsStores', () => {
  it('writes a trust store and a key store only their owner reads', async () => {
    const dir = join(ctx.dir, 'mtls');
    const stores = await writeRdiTlsStores(dir, pem, javaPath);
    if (stores === undefined) throw new Error('stores expected');
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    for (const file of [stores.truststorePath, stores.keystorePath]) {
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    }
    expect(await entries(stores.truststorePath, stores.password)).toMatch(
      /rdi-ca-0.*trustedCertEntry/,
    );
    expect(await entries(stores.keystorePath, stores.password)).toMatch(
      /rdi-client.*PrivateKeyEntry/,
    );
    // No PEM copy of the key stays behind.
    expect((await readdir(dir)).sort()).toEqual(['keystore.p12', 'truststore.p12']);
  }, 60_000);

  it('uses the trust store as key store without a client certificate, and none without a CA', async () => {
    const stores = await writeRdiTlsStores(join(ctx.dir, 'ca-only'), { ca: pem.ca }, javaPath);
    expect(stores?.keystorePath).toBe(stores?.truststorePath);
    expect(await writeRdiTlsStores(join(ctx.dir, 'none'), {}, javaPath)).toBeUndefined();
  }, 60_000);

  it('reads an encrypted key with its passphrase and names the key on a wrong one', async () => {
    const encrypted = join(ctx.dir, 'certs', 'client-encrypted.key');
    await run('openssl', [
      ...['pkey', '-in', certs.clientKey, '-aes256', '-out', encrypted],
      ...['-passout', 'pass:key pass phrase'],
    ]);
    const key = await readFile(encrypted, 'utf8');
    const tls = { ...pem, key, passphrase: 'key pass phrase' };
    const stores = await writeRdiTlsStores(join(ctx.dir, 'encrypted'), tls, javaPath);
    expect(await entries(stores?.keystorePath ?? '', stores?.password ?? '')).toMatch(
      /PrivateKeyEntry/,
    );
    await expect(
      writeRdiTlsStores(join(ctx.dir, 'wrong'), { ...tls, passphrase: 'wrong' }, javaPath),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID', path: 'SLUICE_RDI_KEY' });
  }, 60_000);
});
