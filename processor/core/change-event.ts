// The processor's typed view of one Debezium change event, independent of how the event
// was encoded in the stream. Produced by decode-envelope.ts, consumed by jobs.

/** A column value after type conversion. Decimals, dates and times are exact strings. */
export type CellValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | typeof UNAVAILABLE
  | readonly CellValue[]
  | { readonly [field: string]: CellValue };

/**
 * Marks a value the source did not send: a PostgreSQL TOASTed column that did not change.
 * Writers keep the value already stored instead of overwriting it.
 */
export const UNAVAILABLE: unique symbol = Symbol('unavailable');

/** Debezium's placeholder text for unchanged TOASTed columns (`unavailable.value.placeholder`). */
export const UNAVAILABLE_PLACEHOLDER = '__debezium_unavailable_value';

export type Row = Readonly<Record<string, CellValue>>;

/** c create, u update, d delete, r snapshot read, t truncate, m message. */
export type Opcode = 'c' | 'u' | 'd' | 'r' | 't' | 'm';

export interface ChangeEvent {
  readonly op: Opcode;
  /** Primary-key (or `message.key.columns`) values in key order; empty for truncate. */
  readonly key: Row;
  readonly before: Row | null;
  readonly after: Row | null;
  /** Database (MySQL/MariaDB) or database name (PostgreSQL). */
  readonly db: string;
  /** PostgreSQL schema; for MySQL/MariaDB the database again, as Debezium names topics. */
  readonly schema: string;
  readonly table: string;
  /** Debezium's `source.snapshot`: 'true', 'first', 'last', … or 'false' while streaming. */
  readonly snapshot: string;
  /**
   * Debezium's run id (its `__debezium.context.runId` header, new at each start of Debezium
   * Server), set on snapshot rows only: tells a new snapshot from the rest of an earlier one.
   */
  readonly run?: string;
  /** When the change was made in the source, milliseconds since the epoch (0 if unknown). */
  readonly sourceTsMs: number;
}
