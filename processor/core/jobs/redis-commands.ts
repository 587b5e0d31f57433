// The Redis commands a write op stands for, as arrays of strings: what dry-runs and job tests
// show. apply-batch.lua runs the same commands (plus the checks and the checkpoint).

import type { WriteOp } from '../write-plan.ts';

export function redisCommands(op: WriteOp): string[][] {
  const pairs = (fields: readonly (readonly [string, string])[]) =>
    fields.flatMap(([f, v]) => [f, v]);
  switch (op.kind) {
    case 'row-index':
      // Bookkeeping of apply-batch.lua (docs/jobs.md, "Row index"): which keys, members and
      // nested entries the row placed, and their removal once it no longer places them.
      return [
        [
          'HSET',
          op.key,
          op.row,
          op.deleted ? '(deleted: remove what the row placed)' : '(placements)',
        ],
      ];
    case 'truncate':
      return [['TRUNCATE-ROWS', op.key]];
    case 'snapshot-row':
      // Bookkeeping of a snapshot (docs/operations.md, "Re-snapshots"): what it has read.
      return op.members.length === 0 ? [] : [['SADD', op.key, ...op.members]];
    case 'snapshot-sweep':
      return [['SNAPSHOT-SWEEP', op.key]];
    case 'del':
      return [['DEL', op.key]];
    case 'hash': {
      // Replace: stale fields go (all but the kept ones), then the new ones are set.
      const clear = op.keep.length === 0 ? [['DEL', op.key]] : [];
      return op.fields.length === 0 ? clear : [...clear, ['HSET', op.key, ...pairs(op.fields)]];
    }
    case 'hash-merge':
      return [
        ...(op.fields.length === 0 ? [] : [['HSET', op.key, ...pairs(op.fields)]]),
        ...(op.remove.length === 0 ? [] : [['HDEL', op.key, ...op.remove]]),
      ];
    case 'json-set':
      return [
        ...(op.path === '$' ? [] : [['JSON.SET', op.key, '$', '{}', 'NX']]),
        ...op.ensure.map((path) => ['JSON.SET', op.key, path, '{}', 'NX']),
        ['JSON.SET', op.key, op.path, op.json],
      ];
    case 'json-merge':
      return [['JSON.MERGE', op.key, op.path, op.json]];
    case 'json-del':
      return [['JSON.DEL', op.key, op.path]];
    case 'sadd':
      return [['SADD', op.key, op.member]];
    case 'srem':
      return [['SREM', op.key, op.member]];
    case 'zadd':
      return [['ZADD', op.key, op.score, op.member]];
    case 'zrem':
      return [['ZREM', op.key, op.member]];
    case 'xadd':
      return [['XADD', op.key, '*', ...pairs(op.fields)]];
    case 'string':
      return [['SET', op.key, op.value]];
    case 'expire':
      return [['EXPIRE', op.key, String(op.seconds)]];
  }
}
