// The one catalogue of Sluice errors. Every failure a user can see carries a stable code, a
// message they can act on, an HTTP status for the API, and whether retrying can help.

export const errorCatalogue = {
  CONFIG_YAML_SYNTAX: { status: 400, retryable: false },
  CONFIG_YAML_LIMIT: { status: 400, retryable: false },
  CONFIG_INVALID: { status: 400, retryable: false },
  CONFIG_UNKNOWN_KEY: { status: 400, retryable: false },
  CONFIG_MISSING_SECRET: { status: 400, retryable: false },
  CONFIG_UNSUPPORTED: { status: 400, retryable: false },
  FILE_NOT_FOUND: { status: 404, retryable: false },
  JAVA_NOT_FOUND: { status: 500, retryable: false },
  DEBEZIUM_NOT_INSTALLED: { status: 500, retryable: false },
  ENVELOPE_INVALID: { status: 422, retryable: false },
  ENVELOPE_NO_KEY: { status: 422, retryable: false },
  TARGET_UNAVAILABLE: { status: 503, retryable: true },
  TARGET_WRONGTYPE: { status: 422, retryable: false },
  TARGET_CROSSSLOT: { status: 422, retryable: false },
  TARGET_OOM: { status: 503, retryable: true },
  TARGET_LOADING: { status: 503, retryable: true },
  TARGET_READONLY: { status: 503, retryable: true },
  FENCED: { status: 409, retryable: false },
  RDI_DB_MISCONFIGURED: { status: 500, retryable: false },
  PROCESS_FAILED: { status: 500, retryable: false },
  TIMEOUT: { status: 504, retryable: true },
  JOB_EXPRESSION_FAILED: { status: 422, retryable: false },
  JOB_LIMIT_EXCEEDED: { status: 422, retryable: false },
  JOB_OUTPUT_INVALID: { status: 422, retryable: false },
  JOB_LOOKUP_FAILED: { status: 422, retryable: false },
  TARGET_JSON_MODULE_MISSING: { status: 500, retryable: false },
  REQUEST_INVALID: { status: 400, retryable: false },
  REQUEST_TOO_LARGE: { status: 413, retryable: false },
  AUTH_REQUIRED: { status: 401, retryable: false },
  AUTH_TOKEN_INVALID: { status: 401, retryable: false },
  AUTH_TOKEN_EXPIRED: { status: 401, retryable: false },
  AUTH_FAILED: { status: 401, retryable: false },
  PERMISSION_DENIED: { status: 403, retryable: false },
  METHOD_NOT_ALLOWED: { status: 405, retryable: false },
  URI_TOO_LONG: { status: 414, retryable: false },
  TRACE_LIMIT_REACHED: { status: 429, retryable: true },
  LOGIN_THROTTLED: { status: 429, retryable: true },
  ROUTE_NOT_FOUND: { status: 404, retryable: false },
  PIPELINE_NOT_FOUND: { status: 404, retryable: false },
  SOURCE_NOT_FOUND: { status: 404, retryable: false },
  PIPELINE_EXISTS: { status: 409, retryable: false },
  PIPELINE_CONFLICT: { status: 409, retryable: false },
  JOB_INVALID: { status: 400, retryable: false },
  SECRET_NOT_FOUND: { status: 404, retryable: false },
  DLQ_NOT_FOUND: { status: 404, retryable: false },
  ADDRESS_FORBIDDEN: { status: 400, retryable: false },
  CONNECTION_FAILED: { status: 502, retryable: true },
  RDI_DB_UNAVAILABLE: { status: 503, retryable: true },
  RDI_DB_TLS: { status: 503, retryable: false },
  API_UNREACHABLE: { status: 503, retryable: true },
  INTERNAL_ERROR: { status: 500, retryable: false },
  /** A shared record in the RDI database (pipeline/records/) holds what its codec rejects. */
  RDI_RECORD_INVALID: { status: 500, retryable: false },
} as const satisfies Record<string, { status: number; retryable: boolean }>;

export type ErrorCode = keyof typeof errorCatalogue;

/** Where in a user's file an error points: 1-based line and column. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface SluiceErrorDetails {
  /** Dotted path of the offending key or request field, e.g. `sources.pg.connection.port`. */
  readonly path?: string;
  readonly location?: SourceLocation;
  readonly hint?: string;
  readonly cause?: unknown;
  /** For the API's Retry-After header, when waiting is what helps. */
  readonly retryAfterSeconds?: number;
}

export class SluiceError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly path: string | undefined;
  readonly location: SourceLocation | undefined;
  readonly hint: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, details: SluiceErrorDetails = {}) {
    super(
      formatMessage(message, details),
      details.cause === undefined ? {} : { cause: details.cause },
    );
    this.name = 'SluiceError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.retryable = errorCatalogue[code].retryable;
    this.path = details.path;
    this.location = details.location;
    this.hint = details.hint;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

function formatMessage(message: string, details: SluiceErrorDetails): string {
  const where = details.location
    ? `${details.location.file}:${details.location.line}:${details.location.column}: `
    : '';
  const key = details.path === undefined ? '' : ` (at '${details.path}')`;
  const hint = details.hint === undefined ? '' : ` Hint: ${details.hint}`;
  return `${where}${message}${key}${hint}`;
}

export function isSluiceError(value: unknown, code?: ErrorCode): value is SluiceError {
  return value instanceof SluiceError && (code === undefined || value.code === code);
}
