// Where the cursor is in a YAML file, read from indentation, and the keys and values the editor
// JSON Schemas offer there.
import { describe, expect, it } from 'vitest';
import {
  CONFIG_SCHEMA,
  JOB_SCHEMA,
  keyCompletions,
  levelsAbove,
  schemasAt,
} from './schema-completion.ts';

function keysAt(root: typeof JOB_SCHEMA, text: string, indent: number, dash = false): string[] {
  const levels = levelsAbove(text.split('\n'), indent, dash);
  return keyCompletions(schemasAt(root, levels), new Set(levels.at(-1)?.keys.keys())).map(
    (c) => c.label,
  );
}

describe('schema completion', () => {
  it('offers the top-level keys of config.yaml that are not written yet', () => {
    const keys = keysAt(CONFIG_SCHEMA, 'sources:\n  pg:\n    type: cdc', 0);
    expect(keys).toContain('targets');
    expect(keys).toContain('processors');
    expect(keys).not.toContain('sources');
  });

  it('offers the keys of a source connection, through the source name', () => {
    const keys = keysAt(
      CONFIG_SCHEMA,
      'sources:\n  pg:\n    connection:\n      type: postgresql',
      6,
    );
    expect(keys).toEqual(expect.arrayContaining(['host', 'port', 'user', 'password']));
    expect(keys).not.toContain('type');
  });

  it('offers the `with` keys of the block that `uses` names, in a list at the key indent', () => {
    const text = 'source:\n  table: t\ntransform:\n- uses: add_field\n  with:\n    field: x';
    const keys = keysAt(JOB_SCHEMA, text, 4);
    expect(keys).toEqual(expect.arrayContaining(['expression', 'language']));
    expect(keys).not.toContain('field');
    expect(keys).not.toContain('nest');
  });

  it('offers the keys of a new list item', () => {
    const keys = keysAt(JOB_SCHEMA, 'source:\n  table: t\noutput:\n  - uses: redis.write', 4, true);
    expect(keys).toEqual(['uses', 'with']);
  });
});
