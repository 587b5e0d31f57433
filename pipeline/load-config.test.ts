import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isSluiceError, type SluiceError } from '../common/errors.ts';
import { checkPipelineConfig, loadPipelineConfig, parsePipelineConfig } from './load-config.ts';

const fixture = (name: string) => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));

const SECRETS = {
  SOURCE_DB_USERNAME: 'debezium',
  SOURCE_DB_PASSWORD: 'S3cret-Value!',
  TARGET_DB_PORT: '6380',
  TARGET_DB_PASSWORD: 'Target-Secret',
};

/** A minimal valid config; `extra` lines go under sources.pg. */
function configText(connection: string[], extra: string[] = [], tail: string[] = []): string {
  return [
    'sources:',
    '  pg:',
    '    connection:',
    ...connection.map((line) => `      ${line}`),
    ...extra.map((line) => `    ${line}`),
    'targets:',
    '  target:',
    '    connection:',
    '      host: localhost',
    '      port: 6379',
    ...tail,
    '',
  ].join('\n');
}

const PG = ['type: postgresql', 'host: db', 'port: 5432', 'database: shop', 'user: app'];

function problems(text: string, env: Record<string, string> = {}): readonly SluiceError[] {
  const result = checkPipelineConfig(text, 'config.yaml', env);
  if (result.ok) throw new Error('expected problems');
  return result.errors;
}

function onlyProblem(text: string, env: Record<string, string> = {}): SluiceError {
  const found = problems(text, env);
  expect(found.map((error) => error.message)).toHaveLength(1);
  const [first] = found;
  if (first === undefined) throw new Error('no problem');
  return first;
}

describe('parsePipelineConfig', () => {
  it('loads the PostgreSQL fixture with secrets resolved and defaults filled', async () => {
    const config = await loadPipelineConfig(fixture('config.yaml'), SECRETS);
    const pg = config.sources['pg'];
    expect(pg?.connection).toEqual({
      type: 'postgresql',
      host: 'localhost',
      port: 5432,
      database: 'shop',
      user: 'debezium',
      password: 'S3cret-Value!',
    });
    expect(pg?.type).toBe('cdc');
    expect(pg?.active).toBe(true);
    expect(pg?.tables?.['customers']).toBeNull();
    expect(pg?.tables?.['inventory.order_lines']?.keys).toEqual(['order_id', 'line_no']);
    // `port: ${TARGET_DB_PORT}` resolves to a string and is decoded to a number.
    expect(config.targets['target']?.connection).toMatchObject({ type: 'redis', port: 6380 });
    expect(config.processors).toMatchObject({ target_data_type: 'json', write_batch_size: 500 });
  });

  it('fills every processor default of RDI', () => {
    const config = parsePipelineConfig(configText(PG), 'config.yaml', {});
    expect(config.processors).toEqual({
      type: 'classic',
      read_batch_size: 2000,
      read_batch_bytes: 2_097_152,
      read_batch_timeout_ms: 100,
      write_batch_size: 200,
      error_handling: 'dlq',
      dlq_max_messages: 1000,
      target_data_type: 'hash',
      json_update_strategy: 'replace',
      use_native_json_merge: true,
      type_rendering: 'sluice',
      on_truncate: 'ignore',
      initial_sync_processes: 4,
      instances: 1,
      idle_sleep_time_ms: 200,
      idle_streams_check_interval_ms: 1000,
      busy_streams_check_interval_ms: 5000,
      retry_max_attempts: 5,
      retry_initial_delay_ms: 1000,
      retry_max_delay_ms: 10000,
      wait_enabled: false,
      wait_timeout: 1000,
      retry_on_replica_failure: true,
      on_failed_retry_interval: 5,
      logging: { level: 'info' },
    });
    expect(config.sources['pg']).toMatchObject({
      type: 'cdc',
      active: true,
      logging: { level: 'info' },
    });
  });

  it('treats an empty section (`processors:`) as one with only defaults', () => {
    const config = parsePipelineConfig(configText(PG, [], ['processors:']), 'config.yaml', {});
    expect(config.processors.read_batch_size).toBe(2000);
  });

  it('loads the MariaDB fixture', async () => {
    const config = await loadPipelineConfig(fixture('config-mariadb.yaml'), SECRETS);
    expect(config.sources['maria']?.connection?.type).toBe('mariadb');
    expect(config.sources['maria']?.databases).toEqual(['shop']);
  });

  it('resolves ${NAME} anywhere in a string, and never re-reads a resolved value', () => {
    const text = configText(PG, ['advanced:', '  java_options: -Xmx${HEAP} -Dx=${REF}']);
    const config = parsePipelineConfig(text, 'config.yaml', { HEAP: '512m', REF: '${HEAP}' });
    expect(config.sources['pg']?.advanced?.java_options).toBe('-Xmx512m -Dx=${HEAP}');
  });

  it('accepts numbers and booleans written as text, as RDI does', () => {
    const text = configText(
      PG.map((line) => line.replace('5432', '"5432"')),
      ['active: "false"'],
    );
    const config = parsePipelineConfig(text, 'config.yaml', {});
    expect(config.sources['pg']?.connection?.port).toBe(5432);
    expect(config.sources['pg']?.active).toBe(false);
  });

  it('returns a deep-frozen config', () => {
    const config = parsePipelineConfig(configText(PG, ['schemas: [inventory]']), 'config.yaml', {});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.sources['pg']?.connection)).toBe(true);
    expect(Object.isFrozen(config.sources['pg']?.schemas)).toBe(true);
    expect(Object.isFrozen(config.processors)).toBe(true);
  });

  it('throws the first problem in file order, with all of them in its cause', () => {
    const text = configText(
      PG.map((line) => line.replace('5432', 'abc')),
      ['colour: blue'],
    );
    let thrown: unknown;
    try {
      parsePipelineConfig(text, 'config.yaml', {});
    } catch (error) {
      thrown = error;
    }
    expect(isSluiceError(thrown)).toBe(true);
    const error = thrown as SluiceError;
    expect(error.path).toBe('sources.pg.connection.port');
    expect(error.cause).toBeInstanceOf(AggregateError);
    const all = (error.cause as AggregateError).errors as SluiceError[];
    expect(all.map((problem) => problem.path)).toEqual([
      'sources.pg.connection.port',
      'sources.pg.colour',
    ]);
  });

  it('reports a missing file as FILE_NOT_FOUND', async () => {
    await expect(loadPipelineConfig(fixture('nope.yaml'), {})).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
    });
  });
});

describe('config problems', () => {
  it('unknown key: code, location, path and a did-you-mean hint', () => {
    const error = onlyProblem(configText([...PG, 'prot: 5432']));
    expect(error.code).toBe('CONFIG_UNKNOWN_KEY');
    expect(error.location).toEqual({ file: 'config.yaml', line: 9, column: 7 });
    expect(error.path).toBe('sources.pg.connection.prot');
    expect(error.hint).toBe("did you mean 'port'?");
    expect(error.message).toBe(
      "config.yaml:9:7: unknown key 'prot' (at 'sources.pg.connection.prot') Hint: did you mean 'port'?",
    );
  });

  it('unknown key with no close match lists the known keys', () => {
    const error = onlyProblem(configText(PG, [], ['    colour: blue']));
    expect(error).toMatchObject({ code: 'CONFIG_UNKNOWN_KEY', path: 'targets.target.colour' });
    expect(error.hint).toBe('known keys here: connection, name');
  });

  it('unknown top-level key', () => {
    const error = onlyProblem(configText(PG) + 'procesors:\n  read_batch_size: 1\n');
    expect(error).toMatchObject({ code: 'CONFIG_UNKNOWN_KEY', path: 'procesors' });
    expect(error.hint).toBe("did you mean 'processors'?");
    expect(error.location).toMatchObject({ line: 14, column: 1 });
  });

  it('wrong type points at the value', () => {
    const error = onlyProblem(configText(PG.map((line) => line.replace('5432', '[5432]'))));
    expect(error).toMatchObject({
      code: 'CONFIG_INVALID',
      path: 'sources.pg.connection.port',
      location: { file: 'config.yaml', line: 6, column: 13 },
    });
    expect(error.message).toContain('must be an integer, from 1 to 65535');
  });

  it('out-of-range number, also when written as text', () => {
    for (const port of ['70000', '"70000"', '0']) {
      const error = onlyProblem(configText(PG.map((line) => line.replace('5432', port))));
      expect(error).toMatchObject({ code: 'CONFIG_INVALID', path: 'sources.pg.connection.port' });
    }
  });

  it('wrong type inside a table', () => {
    const error = onlyProblem(configText(PG, ['tables:', '  orders:', '    columns: id']));
    expect(error).toMatchObject({ path: 'sources.pg.tables.orders.columns' });
    expect(error.message).toContain('must be a list, got a string');
  });

  it('unknown key inside a table (a union of empty or mapping) names the inner key', () => {
    const error = onlyProblem(configText(PG, ['tables:', '  orders:', '    colums: [id]']));
    expect(error).toMatchObject({
      code: 'CONFIG_UNKNOWN_KEY',
      path: 'sources.pg.tables.orders.colums',
    });
    expect(error.hint).toBe("did you mean 'columns'?");
  });

  it('missing required key points at its parent', () => {
    const error = onlyProblem(configText(PG).replace('      port: 6379\n', ''));
    expect(error).toMatchObject({
      code: 'CONFIG_INVALID',
      path: 'targets.target.connection.port',
      location: { line: 11, column: 5 },
    });
    expect(error.message).toContain("missing required key 'port'");
  });

  it('missing connection key that depends on the database type', () => {
    const error = onlyProblem(configText(PG.filter((line) => !line.startsWith('database'))));
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', path: 'sources.pg.connection.database' });
    expect(error.hint).toBe('postgresql needs the database to connect to');
  });

  it('bad enum value lists the allowed ones', () => {
    const error = onlyProblem(configText(PG, [], ['processors:', '  error_handling: retry']));
    expect(error).toMatchObject({
      code: 'CONFIG_INVALID',
      path: 'processors.error_handling',
      location: { line: 15, column: 19 },
    });
    expect(error.message).toContain('must be one of: dlq, ignore');
  });

  it('bad connection type', () => {
    const error = onlyProblem(configText(PG.map((line) => line.replace('postgresql', 'postgres'))));
    expect(error).toMatchObject({
      path: 'sources.pg.connection.type',
      location: { line: 4, column: 13 },
    });
  });

  it('filters that do not apply to the database type', () => {
    const error = onlyProblem(configText(PG, ['databases: [shop]']));
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', path: 'sources.pg.databases' });
  });

  it('a source name that cannot prefix stream names', () => {
    const error = onlyProblem(configText(PG).replace('  pg:', '  "my.pg":'));
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', location: { line: 2, column: 3 } });
  });

  it('duplicate key', () => {
    const error = onlyProblem(configText([...PG, 'host: other']));
    expect(error).toMatchObject({
      code: 'CONFIG_YAML_SYNTAX',
      path: 'sources.pg.connection.host',
      location: { line: 9, column: 7 },
    });
  });

  it('alias bomb', () => {
    const bomb = [
      'x-a: &a [x, x, x, x, x, x, x, x, x, x]',
      'x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'x-c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
    ].join('\n');
    const error = onlyProblem(`${bomb}\n${configText(PG)}`);
    expect(error).toMatchObject({ code: 'CONFIG_YAML_LIMIT', location: { line: 2, column: 10 } });
  });

  it('lists at most 100 problems in file order and counts the rest', () => {
    const unknown = Array.from({ length: 3000 }, (_, i) => `extra_${i}: 1`);
    const found = problems(configText(PG, [], unknown));
    expect(found).toHaveLength(101);
    expect(found[0]?.path).toBe('extra_0');
    expect(found[99]?.path).toBe('extra_99');
    expect(found[100]?.message).toContain('2900 more problem(s) in config.yaml are not listed');
  });

  it('an anchored mapping reused until it expands past the entry limit names the file', () => {
    const lines = ['x-base: &base', ...Array.from({ length: 300 }, (_, i) => `  k${i}: v`)];
    lines.push('sources:', ...Array.from({ length: 98 }, (_, i) => `  s${i}: *base`));
    const [error, ...rest] = problems(lines.join('\n'));
    expect(rest).toEqual([]);
    expect(error?.code).toBe('CONFIG_YAML_LIMIT');
    expect(error?.location).toEqual({ file: 'config.yaml', line: 303, column: 7 });
    expect(error?.message).toMatch(/aliases expand the document to \d+ keys/);
  });

  it('nesting too deep', () => {
    const error = onlyProblem(configText(PG, [`tables: ${'['.repeat(70)}${']'.repeat(70)}`]));
    expect(error).toMatchObject({ code: 'CONFIG_YAML_LIMIT', location: { line: 9 } });
  });

  it('missing secret names the variable and the key, never a value', () => {
    const text = configText([...PG, 'password: ${SOURCE_DB_PASSWORD}']);
    const error = onlyProblem(text, { OTHER: 'S3cret-Value!' });
    expect(error).toMatchObject({
      code: 'CONFIG_MISSING_SECRET',
      path: 'sources.pg.connection.password',
      location: { file: 'config.yaml', line: 9, column: 17 },
    });
    expect(error.message).toContain('${SOURCE_DB_PASSWORD} is not set');
  });

  it('reports every missing secret, each once', () => {
    const text = configText(
      PG.map((line) => line.replace('user: app', 'user: ${A}')),
      ['advanced:', '  java_options: ${B} ${B}'],
    );
    const names = problems(text).map((error) => error.message.match(/\$\{(\w+)\}/)?.[1]);
    expect(names).toEqual(['A', 'B']);
  });

  it('never puts a secret value into any message', () => {
    const secret = 'S3cret-Value!';
    const texts = [
      configText(PG.map((line) => line.replace('5432', '${SOURCE_DB_PASSWORD}'))),
      configText(PG.map((line) => line.replace('postgresql', '${SOURCE_DB_PASSWORD}'))),
      configText([...PG, 'password: [${SOURCE_DB_PASSWORD}]']),
      configText(PG, [], ['processors:', '  read_batch_size: ${SOURCE_DB_PASSWORD}']),
    ];
    for (const text of texts) {
      for (const error of problems(text, { SOURCE_DB_PASSWORD: secret })) {
        expect(error.message).not.toContain(secret);
        expect(JSON.stringify(error)).not.toContain(secret);
      }
    }
  });

  it('an empty file, and a file that is not a mapping', () => {
    expect(onlyProblem('')).toMatchObject({
      code: 'CONFIG_INVALID',
      location: { line: 1, column: 1 },
    });
    expect(onlyProblem('- a\n').message).toContain('must be a mapping with sources and targets');
  });

  it('the sample fixtures load', async () => {
    for (const name of ['config.yaml', 'config-mariadb.yaml']) {
      const text = await readFile(fixture(name), 'utf8');
      expect(checkPipelineConfig(text, name, SECRETS).ok).toBe(true);
    }
  });
});
