// Makes Debezium Server's log readable in error messages: Quarkus writes one JSON record per
// line (with stack frames as JSON), which is unreadable when quoted raw.

interface LogRecord {
  readonly level?: unknown;
  readonly loggerName?: unknown;
  readonly message?: unknown;
  readonly exception?: { readonly exceptionType?: unknown; readonly message?: unknown };
}

/** `ERROR PostgresConnector: message [Type: exception message]`, or the line unchanged. */
export function readableLogLine(line: string): string {
  const record = parseRecord(line);
  if (record === undefined) return line;
  const logger = typeof record.loggerName === 'string' ? record.loggerName.split('.').at(-1) : '';
  const ex = record.exception;
  const exception = ex === undefined ? '' : ` [${String(ex.exceptionType)}: ${String(ex.message)}]`;
  // Multi-line messages (Kafka's config dumps) would drown the lines that matter.
  const message = String(record.message).split('\n', 1)[0] ?? '';
  return `${String(record.level)} ${logger ?? ''}: ${message}${exception}`;
}

/** `2026-12-04 17:12:55,707 ERROR [logger] (thread) message`: Quarkus' plain-text format. */
const PLAIN_ERROR = /^\S+ \S+ ERROR \[[^\]]*\] \([^)]*\) (.*)$/;

/** Debezium Server's last word: `Connector completed: success = 'false', message = '…', error = '…`. */
const COMPLETED = "Connector completed: success = 'false', message = '";
const ERROR_PART = "', error = '";

function shorten(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/** A plain-text ERROR line's message; Debezium's summary line gives its message and error. */
function plainErrorMessage(line: string): string | undefined {
  const message = PLAIN_ERROR.exec(line)?.[1]?.trim();
  if (message === undefined) return undefined;
  if (!message.startsWith(COMPLETED)) return message;
  // The error part runs on over the next lines (a stack trace): only its first line is here.
  const rest = message.slice(COMPLETED.length);
  const split = rest.indexOf(ERROR_PART);
  const summary = (split < 0 ? rest.replace(/'$/, '') : rest.slice(0, split)).trim();
  const cause =
    split < 0
      ? ''
      : rest
          .slice(split + ERROR_PART.length)
          .replace(/'$/, '')
          .trim();
  // "…: Failed to establish connection with the database: " says why only in its error part.
  return summary.endsWith(':') && cause !== '' ? `${summary} ${cause}` : summary;
}

/** The message of the last ERROR record, completed by its exception's message. */
export function lastErrorMessage(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const plain = plainErrorMessage(lines[i] ?? '');
    if (plain !== undefined) return shorten(plain);
    const record = parseRecord(lines[i] ?? '');
    if (record?.level !== 'ERROR') continue;
    const message = String(record.message).trim();
    const cause = record.exception?.message;
    const text =
      typeof cause === 'string' && !message.includes(cause) ? `${message} ${cause}` : message;
    return text.length > 500 ? `${text.slice(0, 500)}…` : text;
  }
  return undefined;
}

function parseRecord(line: string): LogRecord | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null && 'level' in value && 'message' in value) {
      return value;
    }
  } catch {
    // A record cut by the tail, or not JSON after all.
  }
  return undefined;
}
