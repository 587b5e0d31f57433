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

/**
 * Hash in each target: what each source row of `stream` has placed there (the row index,
 * processor/core/row-index.ts); field = the row's key columns as JSON.
 */
export function rowIndexKey(stream: string): string {
  return `sluice:rows:${stream}`;
}

/** String in the target holding the highest fencing epoch that has written to it. */
export const FENCE_KEY = 'sluice:fence-epoch';

/** Hash in the RDI database with the processor's counters for one change stream. */
export function statsKey(stream: string): string {
  return `sluice:stats:${stream}`;
}

/** Set of the names of the pipelines stored in the RDI database (written by the api). */
export const PIPELINES_KEY = 'sluice:pipelines';

/** Hash of one pipeline: `config` (config.yaml text), `revision`, `created_at`, `updated_at`. */
export function pipelineKey(name: string): string {
  return `sluice:pipeline:${name}`;
}

/** Hash of one pipeline's jobs: field = job name, value = the job's YAML text. */
export function pipelineJobsKey(name: string): string {
  return `sluice:pipeline:${name}:jobs`;
}

/**
 * Hash with the state the user asked for (api → operator): `desired` (started | stopped),
 * `reset_generation` (incremented by each reset request), `updated_at`, `updated_by`.
 */
export function pipelineControlKey(name: string): string {
  return `sluice:pipeline:${name}:control`;
}

/**
 * Hash with the state the operator observed (operator → api): `phase`, `components` (JSON),
 * `errors` (JSON), `snapshot` (JSON), `updated_at`.
 */
export function pipelineStatusKey(name: string): string {
  return `sluice:pipeline:${name}:status`;
}

/**
 * String (JSON) written by the operator: the tables the collector was last started with and the
 * added ones whose snapshot is still to complete (api/operator/added-tables.ts).
 */
export function pipelineCapturedTablesKey(name: string): string {
  return `sluice:pipeline:${name}:captured-tables`;
}

/** Hash of secrets: field = name (e.g. SOURCE_DB_PASSWORD), value = the secret. Write-only via the api. */
export const SECRETS_KEY = 'sluice:secrets';

/** Hash raised by the processor while it wants capture paused: `reason`, `since`; absent = clear. */
export const BACKPRESSURE_KEY = 'sluice:backpressure';

/** Hash in the RDI database with the processor's performance counters (all streams). */
export const PROCESSOR_STATS_KEY = 'sluice:stats:processor';

/** Hash of the operators' leader lease in the RDI database: `holder`, `epoch`, `expires_at` (ms). */
export const LEADER_LEASE_KEY = 'sluice:operator:lease';

/** Counter of leadership terms in the RDI database; each new term's fencing epoch. */
export const LEADER_EPOCH_KEY = 'sluice:operator:epoch';

/** Hash counting failed logins of one client (by digest) in a window: `count`, `reset_at`. */
export function loginFailuresKey(id: string): string {
  return `sluice:login-failures:${id}`;
}
