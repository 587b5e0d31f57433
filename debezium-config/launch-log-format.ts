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

/** The message of the last ERROR record, completed by its exception's message. */
export function lastErrorMessage(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
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
