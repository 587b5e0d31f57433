// Names of the keys Sluice and Debezium use in the RDI database and in targets. Every part of
// Sluice takes key names from here so that the namespaces never drift apart.

/** Prefix of every change stream written by Debezium's Redis sink (after the RegexRouter). */
export const STREAM_PREFIX = 'data:';

/** Debezium's Redis offset store (hash) and schema history (stream). */
export const DEBEZIUM_OFFSETS_KEY = 'metadata:debezium:offsets';
export const DEBEZIUM_SCHEMA_HISTORY_KEY = 'metadata:debezium:schema_history';

/** The consumer group every processor joins on each change stream. */
export const PROCESSOR_GROUP = 'sluice:processor';

/** Debezium topic (without the `data:` prefix) for one table: `<source>.<schema or db>.<table>`. */
export function topicName(source: string, schemaOrDb: string, table: string): string {
  return `${source}.${schemaOrDb}.${table}`;
}

/** Change stream of one table in the RDI database. */
export function streamKey(source: string, schemaOrDb: string, table: string): string {
  return STREAM_PREFIX + topicName(source, schemaOrDb, table);
}

/** Dead-letter stream for records of `stream` that could not be processed. */
export function dlqKey(stream: string): string {
  return `dlq:${stream}`;
}

/** Hash in the target that records, per change stream, the last applied entry id. */
export const CHECKPOINT_KEY = 'sluice:checkpoints';

/** String in the target holding the highest fencing epoch that has written to it. */
export const FENCE_KEY = 'sluice:fence-epoch';

/** Hash in the RDI database with the processor's counters for one change stream. */
export function statsKey(stream: string): string {
  return `sluice:stats:${stream}`;
}
