import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from './change-event.ts';
import { UNAVAILABLE } from './change-event.ts';
import { defaultJobFor, defaultKey, planDefaultJob, planDefaultJsonJob } from './default-job.ts';

function event(overrides: Partial<ChangeEvent>): ChangeEvent {
  return {
    op: 'c',
    key: { id: 7 },
    before: null,
    after: { id: 7, name: 'Ada', note: null },
    db: 'shop',
    schema: 'public',
    table: 'customers',
    snapshot: 'false',
    sourceTsMs: 1,
    ...overrides,
  };
}

describe('default job', () => {
  it('keys rows by table, key column and value', () => {
    expect(defaultKey(event({}))).toBe('customers:id:7');
  });

  it('keys composite keys in key order', () => {
    const e = event({ table: 'order_items', key: { order_id: 1n, line_no: 2 } });
    expect(defaultKey(e)).toBe('order_items:order_id:1:line_no:2');
  });

  it('writes a hash with every non-null column, nulls left out', () => {
    expect(planDefaultJob(event({}))).toEqual({
      ops: [
        {
          kind: 'hash',
          key: 'customers:id:7',
          fields: [
            ['id', '7'],
            ['name', 'Ada'],
          ],
          keep: [],
        },
      ],
      outcome: 'inserted',
    });
  });

  it('counts snapshot reads as inserts and updates as updates', () => {
    expect(planDefaultJob(event({ op: 'r' })).outcome).toBe('inserted');
    expect(planDefaultJob(event({ op: 'u' })).outcome).toBe('updated');
  });

  it('keeps unchanged TOASTed columns instead of overwriting them', () => {
    const plan = planDefaultJob(event({ op: 'u', after: { id: 7, bio: UNAVAILABLE } }));
    expect(plan.ops).toEqual([
      { kind: 'hash', key: 'customers:id:7', fields: [['id', '7']], keep: ['bio'] },
    ]);
  });

  it('deletes the key on delete, from the key alone (no REPLICA IDENTITY FULL needed)', () => {
    const plan = planDefaultJob(event({ op: 'd', before: { id: 7, name: null }, after: null }));
    expect(plan).toEqual({ ops: [{ kind: 'del', key: 'customers:id:7' }], outcome: 'deleted' });
  });

  it('rejects a change without a key, with a hint', () => {
    expect(() => planDefaultJob(event({ key: {} }))).toThrow(/carries no key.*keys/);
  });

  it('filters truncate and message events', () => {
    expect(planDefaultJob(event({ op: 't', key: {} }))).toEqual({ ops: [], outcome: 'filtered' });
  });

  it('writes a JSON document with target_data_type json, big integers exact', () => {
    const plan = planDefaultJsonJob(
      event({ after: { id: 7, big: 9223372036854775807n, note: null } }),
    );
    expect(plan.ops).toEqual([
      {
        kind: 'json-set',
        key: 'customers:id:7',
        path: '$',
        json: '{"id":7,"big":9223372036854775807,"note":null}',
        ensure: [],
      },
    ]);
  });

  it("renders JSON values by docs/types.md's JSON column", () => {
    const plan = planDefaultJsonJob(
      event({
        after: {
          id: 7,
          // Beyond int64 RedisJSON would round a number: a string keeps every digit.
          unsigned: 18446744073709551615n,
          nan: Number.NaN,
          inf: Number.POSITIVE_INFINITY,
          minus_inf: Number.NEGATIVE_INFINITY,
          minus_zero: -0,
          flag: true,
          day: '2024-02-29',
          list: [1n, null, 'x'],
        },
      }),
    );
    expect(plan.ops[0]).toMatchObject({
      json:
        '{"id":7,"unsigned":"18446744073709551615","nan":"NaN","inf":"Infinity",' +
        '"minus_inf":"-Infinity","minus_zero":-0,"flag":true,"day":"2024-02-29","list":[1,null,"x"]}',
    });
  });

  it('merges instead when TOASTed columns were not sent, and deletes on delete', () => {
    const toasted = planDefaultJsonJob(event({ op: 'u', after: { id: 7, bio: UNAVAILABLE } }));
    expect(toasted.ops).toEqual([
      { kind: 'json-merge', key: 'customers:id:7', path: '$', json: '{"id":7}' },
    ]);
    expect(planDefaultJsonJob(event({ op: 'd', after: null })).ops).toEqual([
      { kind: 'del', key: 'customers:id:7' },
    ]);
  });
});

describe('default job with type_rendering: rdi', () => {
  // Dates, times and timestamps arrive as numbers from the decoder (decodeEnvelope(…, 'rdi')).
  const rdiRow = { id: 7, active: true, archived: false, born: 1_709_164_800_000, at: 1.5 };

  it('writes booleans as 1 / 0 into hash fields and key parts, numbers as their text', () => {
    const plan = defaultJobFor(
      'hash',
      'rdi',
    )(event({ key: { id: 7, active: true }, after: rdiRow }));
    expect(plan.ops).toEqual([
      {
        kind: 'hash',
        key: 'customers:id:7:active:1',
        fields: [
          ['id', '7'],
          ['active', '1'],
          ['archived', '0'],
          ['born', '1709164800000'],
          ['at', '1.5'],
        ],
        keep: [],
      },
    ]);
  });

  it('keeps booleans true / false and epoch numbers as numbers in JSON documents', () => {
    const plan = defaultJobFor('json', 'rdi')(event({ after: rdiRow }));
    expect(plan.ops).toEqual([
      {
        kind: 'json-set',
        key: 'customers:id:7',
        path: '$',
        json: '{"id":7,"active":true,"archived":false,"born":1709164800000,"at":1.5}',
        ensure: [],
      },
    ]);
  });

  it('is the Sluice rendering with sluice', () => {
    const e = event({ after: { id: 7, active: true } });
    expect(defaultJobFor('hash', 'sluice')(e)).toEqual(planDefaultJob(e));
    expect(planDefaultJob(e).ops[0]).toMatchObject({
      fields: [
        ['id', '7'],
        ['active', 'true'],
      ],
    });
  });
});
