import { describe, expect, it } from 'vitest';
import { parsePipelineConfig } from '../pipeline/load-config.ts';
import { renderDebeziumProperties } from './render-properties.ts';

const RDI = { host: 'rdi.local', port: 12001 };

function rendered(type: string, processors: string[]): string {
  const connection =
    type === 'postgresql'
      ? ['type: postgresql', 'host: pg.local', 'port: 5432', 'database: shop', 'user: u']
      : [`type: ${type}`, 'host: db.local', 'port: 3306', 'user: u'];
  const text = [
    'sources:',
    '  src:',
    '    connection:',
    ...connection.map((line) => `      ${line}`),
    '    tables: {"shop.customers": {}}',
    'targets:',
    '  target:',
    '    connection: {host: localhost, port: 6379}',
    ...(processors.length > 0 ? ['processors:', ...processors.map((l) => `  ${l}`)] : []),
    '',
  ].join('\n');
  const config = parsePipelineConfig(text, 'config.yaml', {});
  return renderDebeziumProperties(config, 'src', RDI).properties;
}

describe('renderDebeziumProperties: on_truncate', () => {
  it('leaves Debezium skipping truncates by default (on_truncate: ignore)', () => {
    expect(rendered('postgresql', [])).not.toContain('skipped.operations');
    expect(rendered('postgresql', ['on_truncate: ignore'])).not.toContain('skipped.operations');
  });

  it.each(['postgresql', 'mysql', 'mariadb'])(
    'makes the %s connector emit truncates with on_truncate: delete',
    (type) => {
      const text = rendered(type, ['on_truncate: delete']);
      expect(text).toContain('debezium.source.skipped.operations=none');
      // A truncate has no key: the sink then writes `null`, which the processor reads as none.
      expect(text).toContain('debezium.sink.redis.null.key=null');
    },
  );
});
