// Job dry-run through the API: YAML or object jobs, RDI's flat rows with `opcode`, change
// events and Debezium values as input; records and commands out; problems with field paths.
import { describe, expect, it } from 'vitest';
import { useApiFixture } from './testing/api-fixture.ts';

const api = useApiFixture();

const JOB = `source:
  table: people
transform:
  - uses: filter
    with:
      expression: age > 17
  - uses: add_field
    with:
      field: full_name
      expression: first & ' ' & last
output:
  - uses: redis.write
    with:
      data_type: hash
      key:
        expression: "'person:' & id"
`;

interface Body {
  job: string;
  records: unknown[];
  commands: string[][];
  details: { input: number; outcome: string; error?: { code: string } }[];
}

async function dryRun(payload: object, url = '/api/v2/pipelines/jobs/dry-run') {
  return api.call({ method: 'POST', url, payload });
}

describe('job dry-run', () => {
  it('runs RDI flat rows (with and without opcode) through a YAML job', async () => {
    const response = await dryRun({
      job: JOB,
      input_data: [
        { id: 1, first: 'Ada', last: 'Lovelace', age: 36 },
        { id: 2, first: 'Kid', last: 'Young', age: 9 },
        { id: 1, first: 'Ada', last: 'Lovelace', age: 36, opcode: 'd' },
      ],
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<Body>();
    expect(body.job).toBe('job');
    expect(body.records[0]).toEqual({
      id: 1,
      first: 'Ada',
      last: 'Lovelace',
      age: 36,
      full_name: 'Ada Lovelace',
    });
    expect(body.details.map((d) => d.outcome)).toEqual(['inserted', 'filtered', 'deleted']);
    // A hash is replaced as a whole (DEL + HSET in one atomic step); a delete removes the key.
    expect(body.commands).toEqual([
      ['DEL', 'person:1'],
      [
        'HSET',
        'person:1',
        'id',
        '1',
        'first',
        'Ada',
        'last',
        'Lovelace',
        'age',
        '36',
        'full_name',
        'Ada Lovelace',
      ],
      ['DEL', 'person:1'],
    ]);
  });

  it('answers at RDI’s v1 path and takes a job object and a single row', async () => {
    const response = await dryRun(
      {
        job: {
          source: { table: 'people' },
          output: [
            {
              uses: 'redis.write',
              with: { data_type: 'set', key: { expression: "'all'" }, args: { member: 'id' } },
            },
          ],
        },
        input_data: { id: 7 },
      },
      '/api/v1/pipelines/jobs/dry-run',
    );
    expect(response.statusCode).toBe(200);
    expect(response.json<Body>().commands).toEqual([['SADD', 'all', '7']]);
  });

  it('takes change events with before/after and whole Debezium values', async () => {
    const event = {
      op: 'u',
      before: { id: 3, first: 'A', last: 'B', age: 20 },
      after: { id: 3, first: 'A', last: 'C', age: 21 },
      source: { db: 'shop', schema: 'public', table: 'people' },
    };
    const debezium = {
      schema: null,
      payload: {
        op: 'c',
        before: null,
        after: { id: 4, first: 'D', last: 'E', age: 40 },
        source: { db: 'shop', schema: 'public', table: 'people' },
      },
    };
    const response = await dryRun({ job: JOB, input_data: [event, debezium] });
    expect(response.statusCode).toBe(200);
    const body = response.json<Body>();
    expect(body.details.map((d) => d.outcome)).toEqual(['updated', 'inserted']);
    expect(body.commands.filter((c) => c[0] === 'HSET').map((c) => c.slice(0, 2))).toEqual([
      ['HSET', 'person:3'],
      ['HSET', 'person:4'],
    ]);
  });

  it('uses the default key of RDI with key_columns, and reports rejected records', async () => {
    const job =
      'source:\n  table: people\ntransform:\n  - uses: add_field\n    with:\n      field: x\n      expression: $error("boom")\n';
    const rejected = await dryRun({ job, input_data: [{ id: 1 }] });
    expect(rejected.json<Body>().details[0]).toMatchObject({
      outcome: 'rejected',
      error: { code: 'JOB_EXPRESSION_FAILED' },
    });
    const keyed = await dryRun({
      job: 'source:\n  table: people\n',
      input_data: [{ a: 1, b: 2, name: 'x' }],
      key_columns: ['a', 'b'],
    });
    expect(keyed.json<Body>().commands[1]?.slice(0, 2)).toEqual(['HSET', 'people:a:1:b:2']);
  });

  it('names the request field of invalid jobs and inputs (400)', async () => {
    const sql = JOB.replace(
      'expression: age > 17',
      'expression: nosuch(age) > 17\n      language: sql',
    );
    const cases: [object, string, string][] = [
      [{ input_data: {} }, 'REQUEST_INVALID', 'body.job'],
      [{ job: JOB }, 'REQUEST_INVALID', 'body.input_data'],
      [{ job: JOB, input_data: {}, extra: 1 }, 'REQUEST_INVALID', 'body.extra'],
      [{ job: sql, input_data: {} }, 'JOB_INVALID', 'body.job.transform.0.with.expression'],
      [{ job: 'source: {}\n', input_data: {} }, 'JOB_INVALID', 'body.job.source.table'],
      [
        { job: { source: { table: 'x' }, transfrom: [] }, input_data: {} },
        'JOB_INVALID',
        'body.job.transfrom',
      ],
      [
        { job: JOB, input_data: [{ id: 1 }, { id: 2, opcode: 'x' }] },
        'REQUEST_INVALID',
        'body.input_data.1.opcode',
      ],
      [{ job: JOB, input_data: { op: 'z', after: {} } }, 'REQUEST_INVALID', 'body.input_data.op'],
      [
        { job: JOB, input_data: { id: 1 }, key_columns: ['nope'] },
        'REQUEST_INVALID',
        'body.input_data.nope',
      ],
    ];
    for (const [payload, code, path] of cases) {
      const response = await dryRun(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json(), JSON.stringify(payload)).toMatchObject({ code, path });
    }
  });

  it('reports job problems with line and column for YAML text, unknown SQL functions included', async () => {
    const sql = JOB.replace(
      'expression: age > 17',
      'expression: nosuch(age) > 17\n      language: sql',
    );
    const response = await dryRun({ job: sql, input_data: {} });
    const body = response.json<{
      message: string;
      problems: { line?: number; message: string }[];
    }>();
    expect(body.message).toContain('no such function: nosuch');
    expect(body.problems[0]).toMatchObject({ line: 6, code: 'CONFIG_INVALID' });
    const bad = await dryRun({ job: JOB.replace('age > 17', 'age >'), input_data: {} });
    expect(bad.json()).toMatchObject({
      code: 'JOB_INVALID',
      path: 'body.job.transform.0.with.expression',
    });
  });

  it('never puts a secret value into a record', async () => {
    await api.rdi.hset('sluice:secrets', 'PEPPER', 'canary-secret-value');
    const job =
      'source:\n  table: people\ntransform:\n  - uses: add_field\n    with:\n      field: pepper\n      expression: "\'${PEPPER}\'"\n';
    const response = await dryRun({ job, input_data: { id: 1 } });
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain('canary-secret-value');
    expect(response.json<Body>().records[0]).toMatchObject({ pepper: '<redacted>' });
  });
});

describe('job dry-run limits', () => {
  /** `{a: {a: … {}}}`, `levels` objects deep. */
  const nested = (levels: number): Record<string, unknown> => {
    let value: Record<string, unknown> = {};
    for (let i = 1; i < levels; i++) value = { a: value };
    return value;
  };

  it('answers 400 with a coded error for a job or an input nested too deep', async () => {
    const deepJob = await dryRun({
      job: { source: { table: 'people' }, x: nested(800) },
      input_data: { id: 1 },
    });
    expect(deepJob.statusCode).toBe(400);
    expect(deepJob.json()).toMatchObject({ code: 'JOB_INVALID', path: 'body.job' });
    // Deep enough that handing it to a worker (a structured clone) would overflow the stack.
    const doc = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const deepest = await api.call({
      method: 'POST',
      url: '/api/v2/pipelines/jobs/dry-run',
      headers: { 'content-type': 'application/json' },
      payload: `{"job": ${JSON.stringify(JOB)}, "input_data": {"id": 1, "doc": ${doc}}}`,
    });
    expect(deepest.statusCode).toBe(400);
    expect(deepest.json()).toMatchObject({ code: 'REQUEST_INVALID', path: 'body.input_data' });
    const deepInput = await dryRun({ job: JOB, input_data: [{ id: 1, doc: nested(3000) }] });
    expect(deepInput.statusCode).toBe(400);
    expect(deepInput.json()).toMatchObject({
      code: 'REQUEST_INVALID',
      path: 'body.input_data.0',
      message: expect.stringContaining('more than 100 levels deep') as string,
    });
  });

  it('answers 400 naming the file for an alias bomb and a flood of keys, with capped problems', async () => {
    const anchored = ['x-base: &b', ...Array.from({ length: 300 }, (_, i) => `  k${i}: v`)];
    const reused = Array.from({ length: 98 }, (_, i) => `x-u${i}: *b`);
    const bomb = await dryRun({ job: [...anchored, ...reused, JOB].join('\n'), input_data: {} });
    expect(bomb.statusCode).toBe(400);
    expect(bomb.json()).toMatchObject({
      code: 'JOB_INVALID',
      problems: [{ code: 'CONFIG_YAML_LIMIT', file: 'job.yaml', line: 302 }],
    });
    const flood = Array.from({ length: 5000 }, (_, i) => `x_${i}: 1`);
    const many = await dryRun({ job: [JOB, ...flood].join('\n'), input_data: {} });
    expect(many.statusCode).toBe(400);
    const problems = many.json<{ problems: { message: string }[] }>().problems;
    expect(problems).toHaveLength(101);
    expect(problems[100]?.message).toContain('4900 more problem(s) in job.yaml');
  });

  it('keeps answering other requests while a slow dry run runs in its worker', async () => {
    // Each input loops until JSONata's per-expression limit (1 s): three seconds in all,
    // which in the api's own thread would hold every other request back.
    const loop = JOB.replace(
      'age > 17',
      "'($f := function($n) { $n < 0 ? 0 : $f($n + 1) }; $f(0))'",
    );
    const finished: string[] = [];
    const slow = dryRun({ job: loop, input_data: [{ id: 1 }, { id: 2 }, { id: 3 }] }).then((r) => {
      finished.push('dry-run');
      return r;
    });
    // A timer: in the api's own thread it would fire only once the whole dry run is done.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const info = await api.call({ method: 'GET', url: '/api/v2/info', token: false });
    finished.push('info');
    expect(info.statusCode).toBe(200);
    const response = await slow;
    expect(finished).toEqual(['info', 'dry-run']);
    expect(response.statusCode).toBe(200);
    expect(response.json<Body>().details.map((d) => d.error?.code)).toEqual([
      'JOB_LIMIT_EXCEEDED',
      'JOB_LIMIT_EXCEEDED',
      'JOB_LIMIT_EXCEEDED',
    ]);
  });

  it('refuses a regular expression RE2 cannot run, and runs a catastrophic one at once', async () => {
    const lookahead = JOB.replace('age > 17', '$contains(first, /a(?=b)/)');
    const refused = await dryRun({ job: lookahead, input_data: { id: 1 } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'JOB_INVALID' });
    const evil = JOB.replace('age > 17', '$not($contains(first, /^(a+)+$/))');
    const answered = await dryRun({
      job: evil,
      input_data: { id: 1, first: `${'a'.repeat(40)}!` },
    });
    expect(answered.statusCode).toBe(200);
    expect(answered.json<Body>().details[0]?.outcome).toBe('inserted');
  });
});
