// Describes a set of captured entries for the report and for the raw-Redis comparison: the
// operation mix per table, the mean entry size, and the mean shape of the rows' hashes.
import type { CapturedEntry } from './entries-file.ts';
import type { HashShape } from './raw-redis-limit.ts';

export interface EntriesSummary {
  readonly count: number;
  readonly averageEntryBytes: number;
  /** `<table>` → op (c, u, d, r…) → count. */
  readonly mix: ReadonlyMap<string, ReadonlyMap<string, number>>;
  readonly hash: HashShape;
  /** Rows present after all changes: the data keys a consumer leaves in the target. */
  readonly liveRows: number;
}

interface Envelope {
  readonly payload?: {
    readonly op?: string;
    readonly after?: Record<string, unknown> | null;
    readonly source?: { readonly table?: string };
  };
}

export function summarizeEntries(entries: readonly CapturedEntry[]): EntriesSummary {
  let bytes = 0;
  let rows = 0;
  let fields = 0;
  let valueBytes = 0;
  const mix = new Map<string, Map<string, number>>();
  const live = new Set<string>();
  for (const entry of entries) {
    let value = '';
    let key = '';
    for (let i = 0; i < entry.fields.length; i += 2) {
      const name = entry.fields[i] ?? '';
      const text = entry.fields[i + 1] ?? '';
      bytes += Buffer.byteLength(name) + Buffer.byteLength(text);
      if (name === 'value') value = text;
      else if (name === 'key') key = text;
    }
    // With schemas the envelope is the document's `payload`; compact entries are the envelope.
    const document = JSON.parse(value) as Envelope & Envelope['payload'];
    const payload = document.payload ?? document;
    const table = payload.source?.table ?? '?';
    const op = payload.op ?? '?';
    const ops = mix.get(table) ?? new Map<string, number>();
    ops.set(op, (ops.get(op) ?? 0) + 1);
    mix.set(table, ops);
    const rowKey = `${table}/${key}`;
    if (op === 'd') live.delete(rowKey);
    else live.add(rowKey);
    if (payload.after) {
      for (const column of Object.values(payload.after)) {
        if (column === null) continue;
        fields += 1;
        valueBytes += Buffer.byteLength(
          typeof column === 'string' ? column : JSON.stringify(column),
        );
      }
      rows += 1;
    }
  }
  return {
    count: entries.length,
    averageEntryBytes: bytes / Math.max(entries.length, 1),
    mix,
    hash: {
      fieldCount: Math.round(fields / Math.max(rows, 1)),
      valueBytes: valueBytes / Math.max(fields, 1),
    },
    liveRows: live.size,
  };
}
