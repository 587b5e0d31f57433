import { describe, expect, it } from 'vitest';
import { configNoticesOfText } from './config-notices.ts';

const source = (type: string) =>
  [
    'sources:',
    '  src:',
    '    connection:',
    `      type: ${type}`,
    '      host: db',
    '      cacert: ${SOURCE_DB_CACERT}',
    '      tls_mode: verify-ca',
    '',
  ].join('\n');

describe('source TLS keys', () => {
  it('warn, at their line, where Sluice makes no TLS settings of them', () => {
    const notices = configNoticesOfText(source('sqlserver'), 'config.yaml');
    expect(notices.map((n) => [n.path.join('.'), n.location.line])).toEqual([
      ['sources.src.connection.cacert', 6],
      ['sources.src.connection.tls_mode', 7],
    ]);
    expect(notices[0]?.message).toMatch(/no effect for sqlserver sources.*advanced\.source/);
  });

  it('are silent for PostgreSQL, MySQL and MariaDB', () => {
    for (const type of ['postgresql', 'mysql', 'mariadb']) {
      expect(configNoticesOfText(source(type), 'config.yaml')).toEqual([]);
    }
  });
});
