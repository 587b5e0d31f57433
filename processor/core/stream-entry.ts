// A raw entry of a Debezium change stream as XREADGROUP returns it, with the extended
// message format's fields picked out (`key`, `value`; headers are kept as they are).

export interface StreamEntry {
  readonly id: string;
  /** The entry's `key` field; undefined when the sink wrote none. */
  readonly key: string | undefined;
  /** The entry's `value` field; undefined for an entry deleted from the stream meanwhile. */
  readonly value: string | undefined;
  /** All fields as they arrived, for the dead-letter queue. */
  readonly fields: readonly string[];
}

/** Builds a StreamEntry from XREADGROUP's `[id, [field, value, …] | null]` pair. */
export function toStreamEntry(id: string, fields: readonly string[] | null): StreamEntry {
  let key: string | undefined;
  let value: string | undefined;
  const list = fields ?? [];
  for (let i = 0; i + 1 < list.length; i += 2) {
    const name = list[i];
    if (name === 'key') key = list[i + 1];
    else if (name === 'value') value = list[i + 1];
  }
  return { id, key, value, fields: list };
}

const RUN_ID_FIELD = '__DEBEZIUM.CONTEXT.RUNID';

/**
 * The last run id header read and its value: every row of a snapshot carries the same header,
 * so it is parsed once per run instead of once per row. Memoisation only.
 */
const lastRun = { raw: '', id: '' };

/** Debezium's run id from the entry's header field (a JSON-encoded string), or ''. */
export function runIdOf(entry: StreamEntry): string {
  const list = entry.fields;
  for (let i = 0; i + 1 < list.length; i += 2) {
    if (list[i] !== RUN_ID_FIELD) continue;
    const raw = list[i + 1] ?? '';
    if (raw !== lastRun.raw) {
      lastRun.id = parseRunId(raw);
      lastRun.raw = raw;
    }
    return lastRun.id;
  }
  return '';
}

function parseRunId(raw: string): string {
  try {
    const parsed: unknown = JSON.parse(raw);
    const payload =
      typeof parsed === 'object' && parsed !== null && 'payload' in parsed
        ? parsed.payload
        : parsed;
    return typeof payload === 'string' ? payload : raw;
  } catch {
    return raw;
  }
}
