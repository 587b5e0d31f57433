// TLS from Debezium Server to a PostgreSQL, MySQL or MariaDB source. Settings come from
// `connection.cacert|cert|key|key_password|tls_mode` (RDI's secret names) and from RDI-style
// `advanced.source` keys (`database.sslmode`, `database.sslrootcert`, `database.ssl.mode`, …);
// the connection keys win. Pure: the certificates travel, as PEM text or paths, in one
// environment variable, from which the launcher (launch-source-tls.ts) makes the files the
// drivers read — PEM and a PKCS#8 DER key for pgjdbc, PKCS#12 stores for the binlog connectors —
// in the collector's own folder. The properties name those files relative to that folder.

import { SluiceError } from '../common/errors.ts';
import type { SourceConfig } from '../pipeline/load-config.ts';
import { fromEnv, literal, type PropertyValue } from './render-properties-text.ts';
import type { RelationalKind } from './render-table-filters.ts';

/** Every spelling of the drivers folded to one: PostgreSQL's names. */
export type SourceTlsMode =
  'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

/** The TLS settings of a source, as read from config.yaml. Certificates: PEM text or a path. */
export interface SourceTlsSettings {
  /** Undefined: nothing was said, the connector's default applies (PostgreSQL: prefer). */
  readonly mode?: SourceTlsMode;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly keyPassword?: string;
}

/** What the launcher makes, JSON in the environment variable SOURCE_TLS_ENV. */
export interface SourceTlsMaterial {
  /** `pem`: PostgreSQL (PEM certificates, PKCS#8 DER key); `keystore`: PKCS#12 stores. */
  readonly format: 'pem' | 'keystore';
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly keyPassword?: string;
}

export const SOURCE_TLS_ENV = 'SLUICE_SOURCE_TLS';

/** Files under the collector's working folder (Debezium Server's current directory). */
export const SOURCE_TLS_FILES = {
  dir: 'source-tls',
  ca: 'source-tls/ca.pem',
  cert: 'source-tls/client.pem',
  key: 'source-tls/client.pk8',
  truststore: 'source-tls/truststore.p12',
  keystore: 'source-tls/keystore.p12',
} as const;

/** Passwords of the PKCS#12 stores: made up by the launcher, never in config.yaml. */
export const STORE_PASSWORD_ENV = {
  truststore: 'SLUICE_SOURCE_TLS_TRUSTSTORE_PASSWORD',
  keystore: 'SLUICE_SOURCE_TLS_KEYSTORE_PASSWORD',
} as const;

const KEY_PASSWORD_ENV = 'SLUICE_SOURCE_DB_KEY_PASSWORD';

/** The part of render-properties' writer this module uses. */
export interface PropertyOutput {
  set(key: string, value: PropertyValue): void;
  secret(key: string, envName: string, value: string): void;
  readonly env: Record<string, string>;
}

type TlsKind = 'postgresql' | 'mysql' | 'mariadb';

const MODE_KEY: Readonly<Record<TlsKind, string>> = {
  postgresql: 'database.sslmode',
  mysql: 'database.ssl.mode',
  mariadb: 'database.ssl.mode',
};

/** PostgreSQL, MySQL (Connector/J) and MariaDB spellings of a mode. */
const MODE_SPELLINGS: Readonly<Record<string, SourceTlsMode>> = {
  disable: 'disable',
  disabled: 'disable',
  allow: 'allow',
  prefer: 'prefer',
  preferred: 'prefer',
  require: 'require',
  required: 'require',
  trust: 'require',
  'verify-ca': 'verify-ca',
  verify_ca: 'verify-ca',
  'verify-full': 'verify-full',
  verify_identity: 'verify-full',
};

const CONNECTOR_MODES: Readonly<Record<TlsKind, Partial<Record<SourceTlsMode, string>>>> = {
  postgresql: {
    disable: 'disable',
    allow: 'allow',
    prefer: 'prefer',
    require: 'require',
    'verify-ca': 'verify-ca',
    'verify-full': 'verify-full',
  },
  mysql: {
    disable: 'disabled',
    allow: 'preferred',
    prefer: 'preferred',
    require: 'required',
    'verify-ca': 'verify_ca',
    'verify-full': 'verify_identity',
  },
  // Debezium's MariaDB connector knows four modes and no "preferred".
  mariadb: {
    disable: 'disable',
    require: 'trust',
    'verify-ca': 'verify-ca',
    'verify-full': 'verify-full',
  },
};

export function isTlsKind(kind: string): kind is TlsKind {
  return kind === 'postgresql' || kind === 'mysql' || kind === 'mariadb';
}

/** The source's TLS settings; undefined when config.yaml says nothing about TLS. */
export function sourceTlsSettings(
  sourceName: string,
  source: SourceConfig,
  kind: TlsKind,
): SourceTlsSettings | undefined {
  const path = `sources.${sourceName}`;
  const connection = source.connection;
  const advanced = source.advanced?.source ?? {};
  const text = (key: string): string | undefined => {
    const value = advanced[key];
    return value === undefined ? undefined : String(value);
  };
  const modeText = text(MODE_KEY[kind]);
  const advancedMode = modeText === undefined ? undefined : parseMode(modeText, path, kind);
  const fromAdvanced = kind === 'postgresql' ? postgresPem(text) : keystorePem(text);
  const ca = connection?.cacert ?? fromAdvanced.ca;
  const cert = connection?.cert ?? fromAdvanced.cert;
  const key = connection?.key ?? fromAdvanced.key;
  const keyPassword = connection?.key_password ?? fromAdvanced.keyPassword;
  const mode =
    advancedMode ??
    connection?.tls_mode ??
    (ca !== undefined || cert !== undefined || key !== undefined ? 'verify-full' : undefined);
  if (mode === undefined) return undefined;
  if ((cert === undefined) !== (key === undefined)) {
    const missing = cert === undefined ? 'cert' : 'key';
    throw new SluiceError(
      'CONFIG_INVALID',
      `source '${sourceName}' has a client ${cert === undefined ? 'key' : 'certificate'} without the matching ${cert === undefined ? 'certificate' : 'key'}`,
      { path: `${path}.connection.${missing}` },
    );
  }
  return {
    mode,
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(keyPassword === undefined ? {} : { keyPassword }),
  };
}

/**
 * Writes the TLS properties of a relational source. Called after `advanced.source` was applied:
 * it replaces the mode with the connector's spelling and PEM values with the launcher's files.
 */
export function sourceTlsProperties(
  out: PropertyOutput,
  sourceName: string,
  source: SourceConfig,
  kind: RelationalKind,
): void {
  if (!isTlsKind(kind)) return;
  const settings = sourceTlsSettings(sourceName, source, kind);
  if (settings?.mode === undefined) return;
  const src = (key: string) => `debezium.source.${key}`;
  const spelled = CONNECTOR_MODES[kind][settings.mode];
  if (spelled === undefined) {
    throw new SluiceError(
      'CONFIG_UNSUPPORTED',
      `Debezium's ${kind} connector has no TLS mode '${settings.mode}'`,
      {
        path: `sources.${sourceName}.advanced.source.${MODE_KEY[kind]}`,
        hint: 'use disable, require, verify-ca or verify-full',
      },
    );
  }
  out.set(src(MODE_KEY[kind]), literal(spelled));
  if (settings.mode === 'disable') return;
  const { ca, cert, key, keyPassword } = settings;
  if (ca === undefined && cert === undefined) return;
  if (kind === 'postgresql') {
    if (ca !== undefined) out.set(src('database.sslrootcert'), literal(SOURCE_TLS_FILES.ca));
    if (cert !== undefined) out.set(src('database.sslcert'), literal(SOURCE_TLS_FILES.cert));
    if (key !== undefined) out.set(src('database.sslkey'), literal(SOURCE_TLS_FILES.key));
    // pgjdbc decrypts the DER key with it (the launcher encrypts it with the same password).
    if (key !== undefined && keyPassword !== undefined) {
      out.secret(src('database.sslpassword'), KEY_PASSWORD_ENV, keyPassword);
    }
  } else {
    if (ca !== undefined) {
      out.set(src('database.ssl.truststore'), literal(SOURCE_TLS_FILES.truststore));
      out.set(src('database.ssl.truststore.password'), fromEnv(STORE_PASSWORD_ENV.truststore));
    }
    if (cert !== undefined) {
      out.set(src('database.ssl.keystore'), literal(SOURCE_TLS_FILES.keystore));
      out.set(src('database.ssl.keystore.password'), fromEnv(STORE_PASSWORD_ENV.keystore));
    }
  }
  const material: SourceTlsMaterial = {
    format: kind === 'postgresql' ? 'pem' : 'keystore',
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(keyPassword === undefined ? {} : { keyPassword }),
  };
  // Read by the launcher only, never by Debezium: no SmallRye escaping.
  out.env[SOURCE_TLS_ENV] = JSON.stringify(material);
}

function parseMode(value: string, path: string, kind: TlsKind): SourceTlsMode {
  const mode = MODE_SPELLINGS[value.trim().toLowerCase()];
  if (mode !== undefined) return mode;
  throw new SluiceError('CONFIG_INVALID', `'${value}' is not a TLS mode`, {
    path: `${path}.advanced.source.${MODE_KEY[kind]}`,
    hint: 'disable, require, verify-ca or verify-full (or the connector spellings: verify_identity, …)',
  });
}

function isPem(value: string | undefined): value is string {
  return value?.includes('-----BEGIN ') === true;
}

type AdvancedText = (key: string) => string | undefined;

/**
 * RDI's PostgreSQL keys, when they hold PEM text (a secret set from a file). A path stays a
 * path: it is written unchanged, as RDI does (its key must then be PKCS#8 DER already).
 */
function postgresPem(text: AdvancedText): Omit<SourceTlsSettings, 'mode'> {
  const ca = text('database.sslrootcert');
  const cert = text('database.sslcert');
  const key = text('database.sslkey');
  const keyPassword = text('database.sslpassword');
  return {
    ...(isPem(ca) ? { ca } : {}),
    ...(isPem(cert) ? { cert } : {}),
    ...(isPem(key) ? { key, ...(keyPassword === undefined ? {} : { keyPassword }) } : {}),
  };
}

/** MySQL/MariaDB stores given as PEM: certificates for the truststore, certificate + key. */
function keystorePem(text: AdvancedText): Omit<SourceTlsSettings, 'mode'> {
  const truststore = text('database.ssl.truststore');
  const keystore = text('database.ssl.keystore');
  const keyBlock = isPem(keystore) ? pemBlocks(keystore, /PRIVATE KEY/) : '';
  const certBlocks = isPem(keystore) ? pemBlocks(keystore, /CERTIFICATE/) : '';
  const keyPassword = text('database.ssl.keystore.password');
  return {
    ...(isPem(truststore) ? { ca: truststore } : {}),
    ...(keyBlock === '' || certBlocks === ''
      ? {}
      : {
          cert: certBlocks,
          key: keyBlock,
          ...(keyPassword === undefined ? {} : { keyPassword }),
        }),
  };
}

/** The PEM blocks whose label matches, joined. */
export function pemBlocks(text: string, label: RegExp): string {
  const blocks = text.match(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g) ?? [];
  return blocks
    .filter((block) => label.test(/-----BEGIN ([A-Z0-9 ]+)-----/.exec(block)?.[1] ?? ''))
    .map((block) => `${block}\n`)
    .join('');
}
