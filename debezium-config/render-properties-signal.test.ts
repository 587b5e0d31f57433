import { describe, expect, it } from 'vitest';
import { parsePipelineConfig } from '../pipeline/load-config.ts';
import { renderDebeziumProperties } from './render-properties.ts';

const RDI = { host: 'rdi.local', port: 12001 };

function rendered(advanced: string[], signalFile?: string): string {
  const text = [
    'sources:',
    '  src:',
    '    connection: {type: postgresql, host: pg.local, port: 5432, database: shop, user: u}',
    '    tables: {customers: {}}',
    ...advanced.map((line) => `    ${line}`),
    'targets:',
    '  target:',
    '    connection: {host: localhost, port: 6379}',
    '',
  ].join('\n');
  const config = parsePipelineConfig(text, 'config.yaml', {});
  const options = signalFile === undefined ? {} : { signalFile };
  return renderDebeziumProperties(config, 'src', RDI, options).properties;
}

describe('renderDebeziumProperties: signal file', () => {
  it('enables the file channel beside the source channel on the given file', () => {
    const text = rendered([], '/work/pipeline-x/debezium/signals.txt');
    expect(text).toContain('debezium.source.signal.enabled.channels=source,file\n');
    expect(text).toContain('debezium.source.signal.file=/work/pipeline-x/debezium/signals.txt\n');
  });

  it('leaves signalling to Debezium defaults without a file', () => {
    expect(rendered([])).not.toContain('signal.');
  });

  it("lets the user's advanced.source channels win", () => {
    const text = rendered(
      ['advanced:', '  source:', '    signal.enabled.channels: source,file,jmx'],
      '/s.txt',
    );
    expect(text).toContain('debezium.source.signal.enabled.channels=source,file,jmx\n');
    expect(text.match(/signal\.enabled\.channels/g)).toHaveLength(1);
  });
});
