// TLS to the RDI database in Debezium Server's properties: the sink, the offset store and the
// schema history each get the same redis.ssl.* settings, with the store password as an env
// reference only, and host names verified.
import { describe, expect, it } from 'vitest';
import { parsePipelineConfig } from '../pipeline/load-config.ts';
import { renderDebeziumProperties } from './render-properties.ts';
import { rdiTlsProperties, RDI_TLS_STORE_PASSWORD_ENV } from './render-rdi-tls.ts';

const STORES = {
  truststorePath: '/work/p/rdi-tls/truststore.p12',
  keystorePath: '/work/p/rdi-tls/keystore.p12',
  password: 'store-password-0123',
};
const CA = '-----BEGIN CERTIFICATE-----\nY2E=\n-----END CERTIFICATE-----\n';

const mariadb = parsePipelineConfig(
  [
    'sources:',
    '  shop:',
    '    connection: {type: mariadb, host: db, port: 3306, user: u, password: p}',
    '    databases: [shop]',
    'targets:',
    '  target:',
    '    connection: {host: localhost, port: 6379}',
    '',
  ].join('\n'),
  'config.yaml',
  {},
);

describe('rdiTlsProperties', () => {
  it('is empty without TLS', () => {
    expect(rdiTlsProperties(undefined, undefined)).toEqual([]);
  });

  it('relies on the JVM trust store when no certificate is given', () => {
    expect(rdiTlsProperties({}, undefined)).toEqual([
      { name: 'ssl.enabled', value: true },
      { name: 'ssl.hostname.verification.enabled', value: true },
    ]);
  });

  it('refuses certificates without stores written for them', () => {
    expect(() => rdiTlsProperties({ ca: CA }, undefined)).toThrow(
      expect.objectContaining({ code: 'CONFIG_UNSUPPORTED' }),
    );
  });
});

describe('a TLS RDI database in the rendered properties', () => {
  it('sets ssl on the sink, the offsets and the schema history, the password only in env', () => {
    const rendered = renderDebeziumProperties(mariadb, 'shop', {
      host: '127.0.0.1',
      port: 6380,
      tls: { ca: CA },
      tlsStores: STORES,
    });
    for (const prefix of [
      'debezium.sink.',
      'debezium.source.offset.storage.',
      'debezium.source.schema.history.internal.',
    ]) {
      const line = (name: string) => `${prefix}redis.${name}`;
      expect(rendered.properties).toContain(`${line('ssl.enabled')}=true`);
      expect(rendered.properties).toContain(`${line('ssl.hostname.verification.enabled')}=true`);
      expect(rendered.properties).toContain(
        `${line('ssl.truststore.path')}=${STORES.truststorePath}`,
      );
      expect(rendered.properties).toContain(`${line('ssl.keystore.path')}=${STORES.keystorePath}`);
      expect(rendered.properties).toContain(`${line('ssl.keystore.type')}=PKCS12`);
      expect(rendered.properties).toContain(
        `${line('ssl.truststore.password')}=\${${RDI_TLS_STORE_PASSWORD_ENV}}`,
      );
    }
    expect(rendered.properties).not.toContain(STORES.password);
    expect(rendered.properties).not.toContain('BEGIN CERTIFICATE');
    expect(rendered.env[RDI_TLS_STORE_PASSWORD_ENV]).toBe(STORES.password);
  });

  it('renders no ssl setting for a plaintext RDI database', () => {
    const rendered = renderDebeziumProperties(mariadb, 'shop', { host: '127.0.0.1', port: 6379 });
    expect(rendered.properties).not.toContain('redis.ssl.');
  });
});
