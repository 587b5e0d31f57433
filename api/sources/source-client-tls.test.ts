import { describe, expect, it } from 'vitest';
import { sourceClientTls } from './source-client-tls.ts';

const CA = '-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n';
const PATH = 'sources.pg.connection';

describe('sourceClientTls', () => {
  it('is plaintext without TLS keys, or with tls_mode disable', () => {
    expect(sourceClientTls({}, 'db', PATH)).toBeUndefined();
    expect(sourceClientTls({ cacert: CA, tls_mode: 'disable' }, 'db', PATH)).toBeUndefined();
  });

  it('verifies the CA and the configured host name by default once a CA is given', () => {
    const tls = sourceClientTls({ cacert: CA }, 'db.internal', PATH);
    expect(tls).toMatchObject({ ca: CA, rejectUnauthorized: true });
    // The name checked is the configured host, not the address the client connects to.
    const certificate = { subject: { CN: 'other' }, subjectaltname: 'DNS:db.internal' };
    expect(tls?.checkServerIdentity?.('10.0.0.5', certificate as never)).toBeUndefined();
    const wrong = { subject: { CN: 'x' }, subjectaltname: 'DNS:elsewhere' };
    expect(tls?.checkServerIdentity?.('db.internal', wrong as never)).toBeInstanceOf(Error);
  });

  it('checks only the chain under verify-ca, nothing under require', () => {
    const wrong = { subject: { CN: 'x' }, subjectaltname: 'DNS:elsewhere' };
    const ca = sourceClientTls({ cacert: CA, tls_mode: 'verify-ca' }, 'db', PATH);
    expect(ca?.rejectUnauthorized).toBe(true);
    expect(ca?.checkServerIdentity?.('db', wrong as never)).toBeUndefined();
    expect(sourceClientTls({ tls_mode: 'require' }, 'db', PATH)?.rejectUnauthorized).toBe(false);
  });

  it('refuses a certificate that is neither PEM nor a readable file, naming the key', () => {
    expect(() => sourceClientTls({ cacert: '/nonexistent/ca.pem' }, 'db', PATH)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', path: `${PATH}.cacert` }),
    );
  });
});
