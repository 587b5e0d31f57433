// The RDI database's TLS settings from SLUICE_RDI_URL and SLUICE_RDI_CACERT/CERT/KEY/KEY_PASSWORD:
// PEM text or file paths, refused by name when they cannot work.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rdiRedisOptions, rdiTlsFromEnv } from './rdi-tls.ts';

const PEM = (label: string, body: string) =>
  `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
const CA = PEM('CERTIFICATE', 'Y2E=');
const CERT = PEM('CERTIFICATE', 'Y2VydA==');
const KEY = PEM('PRIVATE KEY', 'a2V5');
const TLS_URL = 'rediss://user:secret@rdi.example:6380';

function failure(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('rdiTlsFromEnv', () => {
  it('is plaintext for redis:// without TLS settings', () => {
    expect(rdiTlsFromEnv('redis://127.0.0.1:6379', {})).toBeUndefined();
    expect(rdiRedisOptions('redis://127.0.0.1:6379', { SLUICE_RDI_CACERT: '' })).toEqual({});
  });

  it('uses the system CAs for rediss:// without a CA', () => {
    expect(rdiTlsFromEnv(TLS_URL, {})).toEqual({});
    expect(rdiRedisOptions(TLS_URL, {})).toEqual({ tls: { rejectUnauthorized: true } });
  });

  it('takes PEM text as given and reads PEM files by path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-rdi-tls-'));
    writeFileSync(join(dir, 'client.pem'), CERT);
    writeFileSync(join(dir, 'client.key'), KEY);
    const env = {
      SLUICE_RDI_CACERT: CA,
      SLUICE_RDI_CERT: join(dir, 'client.pem'),
      SLUICE_RDI_KEY: join(dir, 'client.key'),
      SLUICE_RDI_KEY_PASSWORD: 'pass phrase',
    };
    expect(rdiTlsFromEnv(TLS_URL, env)).toEqual({
      ca: CA,
      cert: CERT,
      key: KEY,
      passphrase: 'pass phrase',
    });
    expect(rdiRedisOptions(TLS_URL, env).tls).toMatchObject({ ca: CA, rejectUnauthorized: true });
  });

  it('refuses certificates with a plaintext redis:// URL', () => {
    expect(failure(() => rdiTlsFromEnv('redis://h:1', { SLUICE_RDI_CERT: CERT }))).toMatchObject({
      code: 'CONFIG_INVALID',
      path: 'SLUICE_RDI_CERT',
      hint: expect.stringContaining('rediss://') as unknown,
    });
  });

  it('refuses half a client certificate, naming the missing half', () => {
    expect(failure(() => rdiTlsFromEnv(TLS_URL, { SLUICE_RDI_CERT: CERT }))).toMatchObject({
      code: 'CONFIG_INVALID',
      path: 'SLUICE_RDI_KEY',
    });
    expect(failure(() => rdiTlsFromEnv(TLS_URL, { SLUICE_RDI_KEY: KEY }))).toMatchObject({
      code: 'CONFIG_INVALID',
      path: 'SLUICE_RDI_CERT',
    });
  });

  it('refuses a missing file or a file without PEM, and never echoes a key', () => {
    expect(
      failure(() => rdiTlsFromEnv(TLS_URL, { SLUICE_RDI_CACERT: '/nowhere/ca.pem' })),
    ).toMatchObject({ code: 'CONFIG_INVALID', path: 'SLUICE_RDI_CACERT' });
    const dir = mkdtempSync(join(tmpdir(), 'sluice-rdi-tls-'));
    writeFileSync(join(dir, 'ca.pem'), 'not a certificate');
    expect(
      failure(() => rdiTlsFromEnv(TLS_URL, { SLUICE_RDI_CACERT: join(dir, 'ca.pem') })),
    ).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('PEM') as unknown });
    const keyError = failure(() =>
      rdiTlsFromEnv(TLS_URL, { SLUICE_RDI_CERT: CERT, SLUICE_RDI_KEY: 'raw-secret-key-bytes' }),
    );
    expect(keyError).toMatchObject({ code: 'CONFIG_INVALID', path: 'SLUICE_RDI_KEY' });
    expect((keyError as Error).message).not.toContain('raw-secret-key-bytes');
  });

  it('refuses a URL that is not redis:// or rediss://', () => {
    for (const url of ['not a url', 'http://h:1']) {
      expect(failure(() => rdiTlsFromEnv(url, {}))).toMatchObject({
        code: 'CONFIG_INVALID',
        path: 'SLUICE_RDI_URL',
      });
    }
  });
});
