// `nest`: writes a child row into its parent's JSON document at `<path>["<child id>"]`. The
// parent's key is RDI's default key of the parent table. A child delete removes its entry; a
// child that moved to another parent (or changed id) is removed from where it was.

import { SluiceError } from '../../../common/errors.ts';
import type { DeepReadonly } from '../../../pipeline/deep-freeze.ts';
import type { RedisWriteOptions } from '../../../pipeline/job-schema.ts';
import type { WriteOp } from '../write-plan.ts';
import type { CompiledOutput } from '../../jobs/compile-output.ts';
import type { TypeRendering } from '../type-rendering.ts';
import type { WriteView } from './job-record.ts';
import { documentJson, renderText } from './job-value.ts';
import { compileMapping, mapRow } from './output-mapping.ts';

interface EntryPlace {
  readonly key: string;
  readonly path: string;
}

export function compileNest(options: DeepReadonly<RedisWriteOptions>): CompiledOutput {
  const nest = options.nest;
  if (nest === undefined) throw new Error('compileNest needs a nest block');
  const childKey = nest.child_key ?? nest.parent_key;
  // `$.a.b` → ['$.a', '$.a.b']: every ancestor of the entries, created when missing.
  const segments = nest.path.split('.').slice(1);
  const ensure = segments.map((_, i) => ['$', ...segments.slice(0, i + 1)].join('.'));
  const mapping = compileMapping(options.mapping);
  const connection = options.connection;

  const place = (view: WriteView, rendering: TypeRendering): EntryPlace => {
    const parent = view.row[childKey];
    const id = view.row[nest.nesting_key];
    if (parent === undefined || parent === null || id === undefined || id === null) {
      const missing = parent === undefined || parent === null ? childKey : nest.nesting_key;
      throw new SluiceError(
        'JOB_OUTPUT_INVALID',
        `nest needs the field '${missing}' in the child row`,
      );
    }
    // The parent's key is its default key, whose parts follow the type rendering.
    return {
      key: `${nest.parent.table}:${nest.parent_key}:${renderText(parent, rendering)}`,
      path: `${nest.path}[${JSON.stringify(renderText(id, rendering))}]`,
    };
  };
  const withConnection = (ops: WriteOp[]): WriteOp[] =>
    connection === 'target' ? ops : ops.map((op) => ({ ...op, connection }));

  return {
    connection,
    dataType: 'json',
    movable: true,
    plan: ({ view, old }, context) => {
      const now = place(view, context.rendering);
      if (view.opcode === 'd')
        return Promise.resolve(withConnection([{ kind: 'json-del', ...now }]));
      const ops: WriteOp[] = [];
      if (old !== undefined) {
        const before = place(old, context.rendering);
        if (before.key !== now.key || before.path !== now.path)
          ops.push({ kind: 'json-del', ...before });
      }
      const { document } = mapRow(mapping, view.row, view.unavailable);
      ops.push({ kind: 'json-set', ...now, json: documentJson(document), ensure });
      return Promise.resolve(withConnection(ops));
    },
  };
}
