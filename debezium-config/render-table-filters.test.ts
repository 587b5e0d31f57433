import { describe, expect, it } from 'vitest';
import { parsePipelineConfig, type SourceConfig } from '../pipeline/load-config.ts';
import { capturedTableIds, regexEscape, tableFilters } from './render-table-filters.ts';

function source(lines: string[], type = 'postgresql'): SourceConfig {
  const text = [
    'sources:',
    '  s:',
    `    connection: {type: ${type}, host: h, port: 1, user: u, database: d}`,
    ...lines.map((line) => `    ${line}`),
    'targets:',
    '  target:',
    '    connection: {host: h, port: 1}',
    '',
  ].join('\n');
  const config = parsePipelineConfig(text, 'config.yaml', {});
  const found = config.sources['s'];
  if (found === undefined) throw new Error('no source');
  return found;
}

describe('regexEscape', () => {
  it('escapes Java regex metacharacters', () => {
    expect(regexEscape('a.b$c(d)[e]{f}*+?|^\\')).toBe(
      'a\\.b\\$c\\(d\\)\\[e\\]\\{f\\}\\*\\+\\?\\|\\^\\\\',
    );
    expect(regexEscape('plain_name-1')).toBe('plain_name-1');
  });
});

describe('tableFilters', () => {
  it('captures everything when no schema or table is listed', () => {
    expect(tableFilters('s', source([]), 'postgresql')).toEqual({ snapshotOverrides: [] });
  });

  it('puts an unqualified PostgreSQL table in public by default', () => {
    const filters = tableFilters('s', source(['tables:', '  users:']), 'postgresql');
    expect(filters.tableIncludeList).toBe('public\\.users');
    expect(filters.containerIncludeList).toBeUndefined();
  });

  it('expands an unqualified table to every listed schema', () => {
    const filters = tableFilters(
      's',
      source(['schemas: [a, b]', 'tables:', '  users:', '  c.items:']),
      'postgresql',
    );
    expect(filters.containerIncludeList).toBe('a,b');
    expect(filters.tableIncludeList).toBe('a\\.users,b\\.users,c\\.items');
  });

  it('keeps key columns in the column list and escapes every name', () => {
    const filters = tableFilters(
      's',
      source(['tables:', '  my$t:', '    columns: [a.b]', '    keys: [k$1]', '  other:']),
      'postgresql',
    );
    expect(filters.columnIncludeList).toBe(
      'public\\.my\\$t\\.a\\.b,public\\.my\\$t\\.k\\$1,public\\.other\\..*',
    );
    expect(filters.messageKeyColumns).toBe('public\\.my\\$t:k\\$1');
  });

  it('lists snapshot overrides by plain table id', () => {
    const filters = tableFilters(
      's',
      source(['databases: [shop]', 'tables:', '  orders:', '    snapshot_sql: SELECT 1'], 'mysql'),
      'mysql',
    );
    expect(filters.containerIncludeList).toBe('shop');
    expect(filters.snapshotOverrides).toEqual([['shop.orders', 'SELECT 1']]);
  });

  it('refuses names that Debezium list syntax cannot carry', () => {
    const bad = source(['tables:', '  orders:', '    columns: ["a,b"]']);
    expect(() => tableFilters('s', bad, 'postgresql')).toThrow(
      expect.objectContaining({ code: 'CONFIG_UNSUPPORTED', path: 'sources.s.tables.orders' }),
    );
  });
});

describe('capturedTableIds', () => {
  it("names each listed table as Debezium's data collections do", () => {
    expect(
      capturedTableIds(
        's',
        source(['schemas: [a, b]', 'tables:', '  users:', '  c.items:']),
        'postgresql',
      ),
    ).toEqual(['a.users', 'b.users', 'c.items']);
    expect(capturedTableIds('s', source(['tables:', '  users:'], 'mariadb'), 'mariadb')).toEqual([
      'd.users',
    ]);
  });

  it('is empty when `tables:` names none', () => {
    expect(capturedTableIds('s', source([]), 'postgresql')).toEqual([]);
  });
});
