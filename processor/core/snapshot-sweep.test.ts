import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from './change-event.ts';
import { rowIndexKey } from './row-index.ts';
import {
  defaultKeyPattern,
  snapshotSeenKey,
  snapshotStateKey,
  withSnapshotSweep,
} from './snapshot-sweep.ts';
import type { EventPlan } from './write-plan.ts';

const stream = 'data:shop.public.people';
const event = (snapshot: string, op: ChangeEvent['op'] = 'r'): ChangeEvent => ({
  op,
  key: { id: 7, region: 'eu' },
  before: null,
  after: { id: 7, region: 'eu', name: 'Ada' },
  db: 'shop',
  schema: 'public',
  table: 'people',
  snapshot,
  sourceTsMs: 0,
  run: 'run-1',
});
const plan: EventPlan = {
  ops: [
    { kind: 'hash', key: 'people:id:7:region:eu', fields: [['name', 'Ada']], keep: [] },
    { kind: 'xadd', key: 'people:id:7:region:eu:log', fields: [['name', 'Ada']] },
    { kind: 'string', key: 'copy:7', value: 'Ada', connection: 'cache' },
  ],
  outcome: 'inserted',
};
const plain = { indexed: false, connections: ['target', 'cache'], onTruncate: 'ignore' } as const;
const indexed = { ...plain, indexed: true };

describe('withSnapshotSweep', () => {
  it('leaves streaming changes and incremental snapshots alone', () => {
    expect(withSnapshotSweep(plan, event('false', 'c'), stream, plain)).toBe(plan);
    expect(withSnapshotSweep(plan, event('incremental'), stream, plain)).toBe(plan);
  });

  it('records the keys a row owns, per connection, after its writes', () => {
    const { ops } = withSnapshotSweep(plan, event('true'), stream, plain);
    expect(ops.slice(0, 3)).toEqual(plan.ops);
    expect(ops.slice(3)).toEqual([
      {
        kind: 'snapshot-row',
        key: snapshotSeenKey(stream),
        state: snapshotStateKey(stream),
        run: 'run-1',
        first: false,
        members: ['people:id:7:region:eu'],
      },
      {
        kind: 'snapshot-row',
        key: snapshotSeenKey(stream),
        state: snapshotStateKey(stream),
        run: 'run-1',
        first: false,
        members: ['copy:7'],
        connection: 'cache',
      },
    ]);
  });

  it('marks the first row of a table and sweeps at its last', () => {
    for (const marker of ['first', 'first_in_data_collection']) {
      const ops = withSnapshotSweep(plan, event(marker), stream, plain).ops;
      expect(ops.filter((op) => op.kind === 'snapshot-row' && op.first)).toHaveLength(2);
      expect(ops.some((op) => op.kind === 'snapshot-sweep')).toBe(false);
    }
    for (const marker of ['last', 'last_in_data_collection']) {
      const ops = withSnapshotSweep(plan, event(marker), stream, plain).ops;
      expect(ops.slice(3).map((op) => op.kind)).toEqual([
        'snapshot-row',
        'snapshot-sweep',
        'snapshot-row',
        'snapshot-sweep',
      ]);
      expect(ops[4]).toMatchObject({ source: { pattern: 'people:id:*:region:*' } });
    }
  });

  it('records the row identity of an indexed table and sweeps through its index', () => {
    const ops = withSnapshotSweep(plan, event('last'), stream, indexed).ops;
    expect(ops[3]).toMatchObject({ members: [JSON.stringify({ id: '7', region: 'eu' })] });
    expect(ops[4]).toMatchObject({ source: { index: rowIndexKey(stream) } });
  });

  it('escapes glob characters of table and column names in the pattern', () => {
    const odd = { ...event('last'), table: 'a*b', key: { 'k?': 1 } };
    expect(defaultKeyPattern(odd)).toBe('a\\*b:k\\?:*');
  });

  it('records a row the job filtered out with no members, so the sweep removes its key', () => {
    const filtered: EventPlan = { ops: [], outcome: 'filtered' };
    const { ops } = withSnapshotSweep(filtered, event('true'), stream, plain);
    expect(ops.map((op) => (op.kind === 'snapshot-row' ? op.members : op.kind))).toEqual([[], []]);
  });
});
