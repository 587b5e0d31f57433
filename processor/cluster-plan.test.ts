// Planning a batch for a Redis Cluster target: the per-record type check of apply-batch.lua
// (on the types earlier records leave behind) and the ops grouped by key, in order.
import { describe, expect, it } from 'vitest';
import { hasJsonOps, keysOf, planClusterBatch } from './cluster-plan.ts';
import type { WriteOp } from './core/write-plan.ts';

describe('planClusterBatch', () => {
  it('groups the ops of each key in batch order, in the encoding of apply-batch.lua', () => {
    const ops: WriteOp[] = [
      { kind: 'hash', key: 'a', fields: [['x', '1']], keep: ['y'] },
      { kind: 'sadd', key: 'b', member: 'm' },
      { kind: 'expire', key: 'a', seconds: 60 },
      { kind: 'del', key: 'b' },
    ];
    const plan = planClusterBatch(ops, ['1-0', '1-0', '1-0', '2-0'], new Map());
    expect(plan.rejected).toEqual([]);
    expect(plan.groups).toEqual([
      {
        key: 'a',
        args: ['H', '1', '1', 'x', '1', '1', 'y', 'E', '1', '60'],
        entryIds: new Set(['1-0']),
        needs: undefined,
      },
      {
        key: 'b',
        args: ['A', '1', 'm', 'D', '1'],
        entryIds: new Set(['1-0', '2-0']),
        needs: 'set',
      },
    ]);
  });

  it('leaves out a whole record when one of its keys holds another type', () => {
    const ops: WriteOp[] = [
      { kind: 'string', key: 'ok', value: 'v' },
      { kind: 'zadd', key: 'taken', score: '1', member: 'm' },
      { kind: 'string', key: 'other', value: 'w' },
    ];
    const plan = planClusterBatch(
      ops,
      ['1-0', '1-0', '2-0'],
      new Map([
        ['ok', 'none'],
        ['taken', 'hash'],
        ['other', 'none'],
      ]),
    );
    expect(plan.rejected).toEqual([
      { entryId: '1-0', key: 'taken', foundType: 'hash', expectedType: 'zset' },
    ]);
    expect(plan.groups.map((g) => g.key)).toEqual(['other']);
  });

  it('sees the types that earlier records leave behind, and replaced keys', () => {
    const ops: WriteOp[] = [
      { kind: 'string', key: 'k', value: 'v' },
      { kind: 'sadd', key: 'k', member: 'm' },
      { kind: 'del', key: 'j' },
      { kind: 'xadd', key: 'j', fields: [['a', '1']] },
      { kind: 'hash', key: 'h', fields: [['a', '1']], keep: [] },
    ];
    const plan = planClusterBatch(
      ops,
      ['1-0', '2-0', '3-0', '3-0', '4-0'],
      new Map([
        ['k', 'none'],
        ['j', 'hash'],
        ['h', 'string'],
      ]),
    );
    // 2-0 meets the string 1-0 wrote; 3-0 deletes j before appending; a hash replace
    // overwrites a key of any type, as apply-batch.lua does.
    expect(plan.rejected).toEqual([
      { entryId: '2-0', key: 'k', foundType: 'string', expectedType: 'set' },
    ]);
    expect(plan.groups.map((g) => g.key)).toEqual(['k', 'j', 'h']);
  });

  it('needs a JSON document for nested writes but not for a whole-document write', () => {
    const types = new Map([['doc', 'hash']]);
    const whole = planClusterBatch(
      [{ kind: 'json-set', key: 'doc', path: '$', json: '{}', ensure: [] }],
      ['1-0'],
      types,
    );
    expect(whole.rejected).toEqual([]);
    const nested = planClusterBatch(
      [{ kind: 'json-set', key: 'doc', path: '$.a', json: '1', ensure: [] }],
      ['1-0'],
      types,
    );
    expect(nested.rejected).toMatchObject([{ foundType: 'hash', expectedType: 'ReJSON-RL' }]);
  });

  it('treats a batch without entry ids as one record', () => {
    const plan = planClusterBatch(
      [
        { kind: 'string', key: 'a', value: '1' },
        { kind: 'sadd', key: 'b', member: 'm' },
      ],
      undefined,
      new Map([['b', 'string']]),
    );
    expect(plan.groups).toEqual([]);
    expect(plan.rejected).toMatchObject([{ entryId: '', key: 'b' }]);
  });
});

describe('keysOf and hasJsonOps', () => {
  it('lists distinct keys in first-use order and spots JSON ops', () => {
    const ops: WriteOp[] = [
      { kind: 'del', key: 'b' },
      { kind: 'del', key: 'a' },
      { kind: 'del', key: 'b' },
    ];
    expect(keysOf(ops)).toEqual(['b', 'a']);
    expect(hasJsonOps(ops)).toBe(false);
    expect(hasJsonOps([{ kind: 'json-del', key: 'd', path: '$.x' }])).toBe(true);
  });
});
