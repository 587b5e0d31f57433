// redis.write outputs: every data type, key expressions, args, mapping, on_update, expire,
// several outputs, named connections, deletes, moved keys and nest.
import { describe, expect, it } from 'vitest';
import { UNAVAILABLE } from '../core/change-event.ts';
import { event, jobFromYaml, run } from './test-support.ts';

const job = (output: string) =>
  `source:\n  table: customers\noutput:\n  - uses: redis.write\n    with:\n${output}`;
const update = event({ op: 'u', before: { id: 7, name: 'Ada', city: 'Paris' } });
const remove = event({ op: 'd', before: { id: 7, name: 'Ada', city: 'London' }, after: null });

describe('hash', () => {
  it('replaces the hash at the default key, and deletes it on delete', async () => {
    const r = await run(job('      data_type: hash\n'), [event(), remove]);
    expect(r.commands).toEqual([
      ['DEL', 'customers:id:7'],
      ['HSET', 'customers:id:7', 'id', '7', 'name', 'Ada', 'city', 'London'],
      ['DEL', 'customers:id:7'],
    ]);
  });

  it('merges with on_update merge: sets fields, removes the null ones', async () => {
    const r = await run(job('      on_update: merge\n'), [
      event({ after: { id: 7, name: 'Ada', city: null } }),
    ]);
    expect(r.commands).toEqual([
      ['HSET', 'customers:id:7', 'id', '7', 'name', 'Ada'],
      ['HDEL', 'customers:id:7', 'city'],
    ]);
  });

  it('writes only mapped fields, under their aliases, keeping unsent (TOASTed) ones', async () => {
    const yaml = job('      mapping:\n        - id\n        - name: full_name\n        - bio\n');
    const j = jobFromYaml(yaml);
    const { runJob } = await import('../core/jobs/run-job.ts');
    const result = await runJob(
      j,
      event({ after: { id: 7, name: 'Ada', bio: UNAVAILABLE, city: 'x' } }),
      {
        evaluation: { now: 0, uuid: () => 'u' },
        limits: j.limits,
        lookup: () => Promise.resolve(null),
        rendering: 'sluice',
      },
    );
    expect(result.plan.ops).toEqual([
      {
        kind: 'hash',
        key: 'customers:id:7',
        fields: [
          ['id', '7'],
          ['full_name', 'Ada'],
        ],
        keep: ['bio'],
      },
    ]);
  });
});

describe('keys', () => {
  it('computes the key with an expression and removes the old key when an update moves it', async () => {
    const r = await run(job("      key:\n        expression: \"'city:' & city & ':' & id\"\n"), [
      update,
    ]);
    expect(r.commands).toEqual([
      ['DEL', 'city:Paris:7'],
      ['DEL', 'city:London:7'],
      ['HSET', 'city:London:7', 'id', '7', 'name', 'Ada', 'city', 'London'],
    ]);
  });

  it('leaves the key alone when an update does not move it', async () => {
    const r = await run(job('      key:\n        expression: "\'c:\' & id"\n'), [update]);
    expect(r.commands.filter((c) => c[0] === 'DEL')).toEqual([['DEL', 'c:7']]);
  });

  it('accepts JMESPath keys (RDI style)', async () => {
    const yaml = job(
      "      key:\n        language: jmespath\n        expression: concat(['cust:', id])\n",
    );
    expect((await run(yaml, [remove])).commands).toEqual([['DEL', 'cust:7']]);
  });

  it('rejects the record when the key expression gives no text', async () => {
    const r = await run(job('      key:\n        expression: missing\n'), [event()]);
    expect(r.details[0]).toMatchObject({
      outcome: 'rejected',
      error: { code: 'JOB_OUTPUT_INVALID' },
    });
  });
});

describe('json', () => {
  it('writes the document with JSON.SET, nested aliases building objects', async () => {
    const yaml = job(
      '      data_type: json\n      mapping:\n        - id\n        - city: address.city\n',
    );
    expect((await run(yaml, [event()])).commands).toEqual([
      ['JSON.SET', 'customers:id:7', '$', '{"id":7,"address":{"city":"London"}}'],
    ]);
  });

  it('uses JSON.MERGE for on_update merge and DEL on delete', async () => {
    const yaml = job('      data_type: json\n      on_update: merge\n');
    expect((await run(yaml, [event(), remove])).commands).toEqual([
      ['JSON.MERGE', 'customers:id:7', '$', '{"id":7,"name":"Ada","city":"London"}'],
      ['DEL', 'customers:id:7'],
    ]);
  });

  it('follows processors.json_update_strategy and target_data_type by default', async () => {
    const j = jobFromYaml('source:\n  table: customers\n', {
      defaults: { dataType: 'json', jsonUpdate: 'merge' },
    });
    expect(j.outputs[0]?.dataType).toBe('json');
    const { dryRun } = await import('../core/jobs/dry-run.ts');
    expect((await dryRun(j, [event()])).commands[0]?.[0]).toBe('JSON.MERGE');
  });
});

describe('set and sorted_set', () => {
  it('adds and removes set members, moving a member whose key changed', async () => {
    const yaml = job(
      '      data_type: set\n      key:\n        expression: "\'city:\' & city"\n      args:\n        member: $string(id)\n',
    );
    expect((await run(yaml, [update, remove])).commands).toEqual([
      ['SREM', 'city:Paris', '7'],
      ['SADD', 'city:London', '7'],
      ['SREM', 'city:London', '7'],
    ]);
  });

  it('adds sorted-set members with their score (RDI-style field names as args)', async () => {
    const yaml = job(
      '      data_type: sorted_set\n      key:\n        expression: "\'by_total\'"\n      args:\n        score: total\n        member: id\n',
    );
    const r = await run(yaml, [event({ after: { id: 7, total: '12.50' } }), remove]);
    expect(r.commands).toEqual([
      ['ZADD', 'by_total', '12.5', '7'],
      ['ZREM', 'by_total', '7'],
    ]);
  });

  it('rejects a record whose score is not a number', async () => {
    const yaml = job(
      '      data_type: sorted_set\n      key:\n        expression: "\'k\'"\n      args:\n        score: name\n        member: id\n',
    );
    expect((await run(yaml, [event()])).details[0]?.error?.code).toBe('JOB_OUTPUT_INVALID');
  });
});

describe('stream and string', () => {
  it('appends every change to a stream with an op_code field, deletes included', async () => {
    const yaml = job(
      '      data_type: stream\n      key:\n        expression: "\'changes\'"\n      mapping:\n        - id\n',
    );
    expect((await run(yaml, [event(), update, remove])).commands).toEqual([
      ['XADD', 'changes', '*', 'id', '7', 'op_code', 'c'],
      ['XADD', 'changes', '*', 'id', '7', 'op_code', 'u'],
      ['XADD', 'changes', '*', 'id', '7', 'op_code', 'd'],
    ]);
  });

  it('stores a string value from args.value, or the row as JSON', async () => {
    const withValue = job('      data_type: string\n      args:\n        value: name\n');
    expect((await run(withValue, [event()])).commands).toEqual([['SET', 'customers:id:7', 'Ada']]);
    const asJson = job('      data_type: string\n      mapping:\n        - name\n');
    expect((await run(asJson, [event()])).commands).toEqual([
      ['SET', 'customers:id:7', '{"name":"Ada"}'],
    ]);
  });
});

describe('expire, several outputs and connections', () => {
  it('sets a fixed or computed time to live after writing (not on delete)', async () => {
    const fixed = job(
      '      data_type: string\n      args:\n        value: name\n      expire: 60\n',
    );
    expect((await run(fixed, [event(), remove])).commands).toEqual([
      ['SET', 'customers:id:7', 'Ada'],
      ['EXPIRE', 'customers:id:7', '60'],
      ['DEL', 'customers:id:7'],
    ]);
    const computed = job('      expire:\n        expression: id * 10\n');
    expect((await run(computed, [event()])).commands.at(-1)).toEqual([
      'EXPIRE',
      'customers:id:7',
      '70',
    ]);
  });

  it('rejects a computed expire that is not a positive whole number', async () => {
    const yaml = job('      expire:\n        expression: "-1"\n');
    expect((await run(yaml, [event()])).details[0]?.error?.code).toBe('JOB_OUTPUT_INVALID');
  });

  it('plans every output in order, ops of named connections carrying their name', async () => {
    const yaml = `source:
  table: customers
output:
  - uses: redis.write
    with:
      data_type: set
      key:
        expression: "'ids'"
      args:
        member: id
  - uses: redis.write
    with:
      connection: cache
      data_type: string
      args:
        value: name
`;
    const r = await run(yaml, [event()]);
    expect(r.commands).toEqual([
      ['SADD', 'ids', '7'],
      ['@cache', 'SET', 'customers:id:7', 'Ada'],
    ]);
  });
});

describe('nest', () => {
  const nest = `source:
  table: order_lines
output:
  - uses: redis.write
    with:
      data_type: json
      on_update: merge
      nest:
        parent:
          table: orders
        nesting_key: line_id
        parent_key: order_id
        path: $.lines
`;
  const line = { line_id: 3, order_id: 10, sku: 'A' };

  it("writes the child into the parent's document under path[child id]", async () => {
    const r = await run(nest, [event({ table: 'order_lines', key: { line_id: 3 }, after: line })]);
    expect(r.commands).toEqual([
      ['JSON.SET', 'orders:order_id:10', '$', '{}', 'NX'],
      ['JSON.SET', 'orders:order_id:10', '$.lines', '{}', 'NX'],
      ['JSON.SET', 'orders:order_id:10', '$.lines["3"]', '{"line_id":3,"order_id":10,"sku":"A"}'],
    ]);
  });

  it('removes the entry on delete and from the old parent when the child moves', async () => {
    const moved = event({
      op: 'u',
      table: 'order_lines',
      key: { line_id: 3 },
      before: line,
      after: { ...line, order_id: 11 },
    });
    const deleted = event({
      op: 'd',
      table: 'order_lines',
      key: { line_id: 3 },
      before: line,
      after: null,
    });
    const r = await run(nest, [moved, deleted]);
    expect(r.commands[0]).toEqual(['JSON.DEL', 'orders:order_id:10', '$.lines["3"]']);
    expect(r.commands.at(-2)?.[1]).toBe('orders:order_id:11');
    expect(r.commands.at(-1)).toEqual(['JSON.DEL', 'orders:order_id:10', '$.lines["3"]']);
  });

  it('rejects a child row without its parent key', async () => {
    const r = await run(nest, [
      event({ table: 'order_lines', key: { line_id: 3 }, after: { line_id: 3 } }),
    ]);
    expect(r.details[0]?.error?.code).toBe('JOB_OUTPUT_INVALID');
  });
});
