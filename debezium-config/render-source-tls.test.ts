import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../common/errors.ts';
import { parsePipelineConfig } from '../pipeline/load-config.ts';
import { propertyValue } from './launch-properties.ts';
import { renderDebeziumProperties } from './render-properties.ts';
import { SOURCE_TLS_ENV, type SourceTlsMaterial } from './render-source-tls.ts';

const CA = '-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nY2xpZW50\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\na2V5\n-----END PRIVATE KEY-----\n';
const SECRETS = {
  SOURCE_DB_CACERT: CA,
  SOURCE_DB_CERT: CERT,
  SOURCE_DB_KEY: KEY,
  SOURCE_DB_KEY_PASSWORD: 'k3y-$pass',
};

/** Renders a source of `type` with these connection lines and `advanced.source` entries. */
function render(type: string, connection: string[], advanced: Record<string, string> = {}) {
  const entries = Object.entries(advanced);
  const text = [
    'sources:',
    '  src:',
    '    connection:',
    ...[`type: ${type}`, 'host: db.internal', 'port: 5432', 'database: shop', 'user: cdc']
      .concat(connection)
      .map((line) => `      ${line}`),
    ...(entries.length === 0 ? [] : ['    advanced:', '      source:']),
    ...entries.map(([key, value]) => `        ${key}: ${JSON.stringify(value)}`),
    'targets:',
    '  target:',
    '    connection: {host: localhost, port: 6379}',
    '',
  ].join('\n');
  const config = parsePipelineConfig(text, 'config.yaml', SECRETS);
  const rendered = renderDebeziumProperties(config, 'src', { host: 'rdi', port: 6379 });
  const value = (key: string) => propertyValue(rendered.properties, `debezium.source.${key}`);
  const json = rendered.env[SOURCE_TLS_ENV];
  const material = json === undefined ? undefined : (JSON.parse(json) as SourceTlsMaterial);
  return { rendered, value, material };
}

const MTLS = [
  'cacert: ${SOURCE_DB_CACERT}',
  'cert: ${SOURCE_DB_CERT}',
  'key: ${SOURCE_DB_KEY}',
  'key_password: ${SOURCE_DB_KEY_PASSWORD}',
];

describe('TLS to a PostgreSQL source', () => {
  it('verifies the server fully when a CA is given, naming files of the collector', () => {
    const { rendered, value, material } = render('postgresql', ['cacert: ${SOURCE_DB_CACERT}']);
    expect(value('database.sslmode')).toBe('verify-full');
    expect(value('database.sslrootcert')).toBe('source-tls/ca.pem');
    expect(value('database.sslkey')).toBeUndefined();
    expect(material).toEqual({ format: 'pem', ca: CA });
    // The certificate travels in the environment, never in the file.
    expect(rendered.properties).not.toContain('Q0E=');
  });

  it('adds the client certificate, the DER key and its password for mTLS', () => {
    const { rendered, value, material } = render('postgresql', MTLS);
    expect(value('database.sslcert')).toBe('source-tls/client.pem');
    expect(value('database.sslkey')).toBe('source-tls/client.pk8');
    expect(value('database.sslpassword')).toBe('${SLUICE_SOURCE_DB_KEY_PASSWORD}');
    expect(rendered.env['SLUICE_SOURCE_DB_KEY_PASSWORD']).toBe('k3y-\\$pass');
    expect(material).toEqual({
      format: 'pem',
      ca: CA,
      cert: CERT,
      key: KEY,
      keyPassword: 'k3y-$pass',
    });
    expect(rendered.properties).not.toContain('k3y');
  });

  it("reads RDI's advanced.source keys holding secrets' PEM text", () => {
    const { value, material } = render('postgresql', [], {
      'database.sslmode': 'verify-ca',
      'database.sslrootcert': '${SOURCE_DB_CACERT}',
      'database.sslcert': '${SOURCE_DB_CERT}',
      'database.sslkey': '${SOURCE_DB_KEY}',
    });
    expect(value('database.sslmode')).toBe('verify-ca');
    expect(value('database.sslkey')).toBe('source-tls/client.pk8');
    expect(material).toEqual({ format: 'pem', ca: CA, cert: CERT, key: KEY });
  });

  it('leaves paths in advanced.source as RDI writes them, and TLS unset when nothing is said', () => {
    const paths = render('postgresql', [], {
      'database.sslmode': 'require',
      'database.sslrootcert': '/etc/certificates/source_db/ca.crt',
    });
    expect(paths.value('database.sslrootcert')).toBe('/etc/certificates/source_db/ca.crt');
    expect(paths.material).toBeUndefined();
    const none = render('postgresql', []);
    expect(none.value('database.sslmode')).toBeUndefined();
    expect(none.material).toBeUndefined();
  });

  it('turns TLS off with tls_mode disable, whatever certificates are given', () => {
    const { value, material } = render('postgresql', [...MTLS, 'tls_mode: disable']);
    expect(value('database.sslmode')).toBe('disable');
    expect(value('database.sslrootcert')).toBeUndefined();
    expect(material).toBeUndefined();
  });
});

describe('TLS to a MySQL or MariaDB source', () => {
  it('names PKCS#12 stores whose passwords the launcher makes up', () => {
    const { rendered, value, material } = render('mariadb', MTLS);
    expect(value('database.ssl.mode')).toBe('verify-full');
    expect(value('database.ssl.truststore')).toBe('source-tls/truststore.p12');
    expect(value('database.ssl.truststore.password')).toBe(
      '${SLUICE_SOURCE_TLS_TRUSTSTORE_PASSWORD}',
    );
    expect(value('database.ssl.keystore')).toBe('source-tls/keystore.p12');
    expect(value('database.ssl.keystore.password')).toBe('${SLUICE_SOURCE_TLS_KEYSTORE_PASSWORD}');
    expect(material).toEqual({
      format: 'keystore',
      ...{ ca: CA, cert: CERT, key: KEY, keyPassword: 'k3y-$pass' },
    });
    expect(rendered.properties).not.toContain('a2V5');
  });

  it("spells each mode as the connector does (MySQL's verify_identity, MariaDB's verify-full)", () => {
    expect(render('mysql', ['cacert: ${SOURCE_DB_CACERT}']).value('database.ssl.mode')).toBe(
      'verify_identity',
    );
    const given = { 'database.ssl.mode': 'verify_identity' };
    expect(render('mariadb', [], given).value('database.ssl.mode')).toBe('verify-full');
    expect(render('mariadb', ['tls_mode: require']).value('database.ssl.mode')).toBe('trust');
    expect(render('mysql', ['tls_mode: require']).value('database.ssl.mode')).toBe('required');
  });

  it('splits a PEM keystore given in advanced.source into certificate and key', () => {
    const { material } = render('mysql', [], { 'database.ssl.keystore': `${CERT}${KEY}` });
    expect(material).toEqual({ format: 'keystore', cert: CERT, key: KEY });
  });
});

describe('refused TLS settings', () => {
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (isSluiceError(error))
        return { code: error.code, message: error.message, path: error.path };
      throw error;
    }
    throw new Error('not refused');
  };

  it('a client certificate without its key, naming the missing key', () => {
    expect(refusal(() => render('postgresql', ['cert: ${SOURCE_DB_CERT}']))).toMatchObject({
      code: 'CONFIG_INVALID',
      path: 'sources.src.connection.key',
    });
  });

  it('an unknown mode, and a mode the MariaDB connector lacks', () => {
    expect(
      refusal(() => render('postgresql', [], { 'database.sslmode': 'very-full' })),
    ).toMatchObject({
      code: 'CONFIG_INVALID',
      path: 'sources.src.advanced.source.database.sslmode',
    });
    expect(
      refusal(() => render('mariadb', [], { 'database.ssl.mode': 'preferred' })),
    ).toMatchObject({
      code: 'CONFIG_UNSUPPORTED',
      path: 'sources.src.advanced.source.database.ssl.mode',
    });
  });

  it('no value of a certificate or key in any message', () => {
    const { message } = refusal(() => render('postgresql', ['key: ${SOURCE_DB_KEY}']));
    expect(message).not.toContain('a2V5');
  });
});
