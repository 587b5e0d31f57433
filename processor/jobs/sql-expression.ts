// SQL expressions (`language: sql`, as in RDI): SQLite's dialect and functions over the record's
// fields, run by Node's built-in SQLite (node:sqlite). Each expression is prepared once, as
// `WITH r(<fields>) AS (VALUES (?, …)) SELECT <expression> FROM r`; an evaluation binds the
// record's values and steps the statement. Unknown functions, wrong arity and syntax errors
// surface when it is prepared, i.e. at deploy.

import { constants, DatabaseSync, type StatementSync } from 'node:sqlite';
import { SluiceError } from '../../common/errors.ts';
import type {
  CompiledExpression,
  EvaluationContext,
  EvaluationLimits,
} from '../core/jobs/expression.ts';
import { abbreviate, ExpressionSyntaxError } from '../core/jobs/expression.ts';
import type { JobValue } from '../core/jobs/job-value.ts';
import { isJobObject } from '../core/jobs/job-value.ts';
import { readSqlExpression, type ClockParameter } from '../core/jobs/sql-tokens.ts';

/** Functions an expression may not call: they build values of any size from a number. */
const DENIED_FUNCTIONS = new Set(['zeroblob', 'randomblob', 'load_extension']);

/** Largest width or precision of a printf()/format() conversion (bounds the text it builds). */
const MAX_FORMAT_WIDTH = 1000;

let database: DatabaseSync | undefined;

/**
 * The one in-memory database every SQL expression is prepared on. Its authorizer lets a
 * statement read its own one-row table and call functions, nothing else (no tables, no pragmas,
 * no recursion), and refuses the functions of DENIED_FUNCTIONS.
 */
function sqlDatabase(): DatabaseSync {
  if (database !== undefined) return database;
  const db = new DatabaseSync(':memory:');
  db.setAuthorizer((action, first, second) => {
    if (action === constants.SQLITE_SELECT) return constants.SQLITE_OK;
    if (action === constants.SQLITE_READ) return constants.SQLITE_OK;
    if (action === constants.SQLITE_FUNCTION) {
      const name = (second ?? first ?? '').toLowerCase();
      return DENIED_FUNCTIONS.has(name) ? constants.SQLITE_DENY : constants.SQLITE_OK;
    }
    return constants.SQLITE_DENY;
  });
  database = db;
  return db;
}

export function compileSql(source: string, limits: EvaluationLimits): CompiledExpression {
  const parsed = readSqlExpression(source);
  checkFormats(source);
  const columns = parsed.columns;
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const cte =
    columns.length === 0
      ? ''
      : `WITH r(${columns.map(quote).join(', ')}) AS (VALUES (${columns.map(() => '?').join(', ')})) `;
  const prefix = `${cte}SELECT (`;
  const sql = `${prefix}\n${parsed.text}\n)${columns.length === 0 ? '' : ' FROM r'}`;
  let statement: StatementSync;
  try {
    statement = sqlDatabase().prepare(sql);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ExpressionSyntaxError(explain(message), nearPosition(message, source));
  }
  statement.setReadBigInts(true);
  statement.setReturnArrays(true);
  const where = `the sql expression '${abbreviate(source)}'`;
  const lookup = fieldLookup(columns);
  return {
    source,
    language: 'sql',
    evaluate: (input, context) => {
      const values: (string | bigint | number | null)[] = [];
      for (const read of lookup) values.push(toSql(read(input)));
      for (const part of parsed.clock) values.push(clockValue(part, context));
      let row: unknown[] | undefined;
      try {
        row = statement.get(...values) as unknown[] | undefined;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new SluiceError('JOB_EXPRESSION_FAILED', `${where} failed: ${message}`, {
          cause: error,
        });
      }
      const result = fromSql(row?.[0]);
      if (typeof result === 'string' && result.length > limits.maxResultChars) {
        throw new SluiceError(
          'JOB_LIMIT_EXCEEDED',
          `${where} produced ${result.length} characters; the limit is ${limits.maxResultChars}`,
        );
      }
      return result;
    },
  };
}

/**
 * How to read each column from a record: the field of that exact name, else one whose name
 * differs only in case (SQLite names ignore case, so `billingcountry` reads `BillingCountry`).
 */
function fieldLookup(columns: readonly string[]): ((input: JobValue) => JobValue | undefined)[] {
  return columns.map((column) => {
    const folded = column.toLowerCase();
    return (input) => {
      if (!isJobObject(input)) return undefined;
      if (Object.hasOwn(input, column)) return input[column];
      for (const name of Object.keys(input)) {
        if (name.toLowerCase() === folded) return input[name];
      }
      return undefined;
    };
  });
}

/** A job value as an SQLite value: integers stay integers (1 / 2 is 0, as in SQLite). */
function toSql(value: JobValue | undefined): string | bigint | number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function fromSql(value: unknown): JobValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value.toString();
  }
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return null;
}

/** The injected time in SQLite's own text forms ('now' reads the evaluation's clock). */
function clockValue(part: ClockParameter, context: EvaluationContext): string {
  const iso = new Date(context.now).toISOString(); // 2025-06-04T14:32:52.000Z
  const date = iso.slice(0, 10);
  const time = iso.slice(11, 19);
  switch (part) {
    case 'now':
      return `${date} ${iso.slice(11, 23)}`;
    case 'timestamp':
      return `${date} ${time}`;
    case 'date':
      return date;
    case 'time':
      return time;
  }
}

/** printf()/format() with a literal format whose widths stay small: bounded output. */
function checkFormats(source: string): void {
  const call = /\b(printf|format)\s*\(\s*/gi;
  for (let match = call.exec(source); match !== null; match = call.exec(source)) {
    const start = match.index + match[0].length;
    const literal = /^'((?:[^']|'')*)'/.exec(source.slice(start));
    if (literal?.[1] === undefined) {
      throw new ExpressionSyntaxError(
        `the format of ${match[1] ?? 'printf'}() must be a string literal`,
        start,
      );
    }
    for (const spec of literal[1].matchAll(/%[-+ 0#,!]*(\*|\d+)?(?:\.(\*|\d+))?/g)) {
      for (const size of [spec[1], spec[2]]) {
        if (size === '*' || (size !== undefined && Number(size) > MAX_FORMAT_WIDTH)) {
          throw new ExpressionSyntaxError(
            `a width or precision of ${match[1] ?? 'printf'}() must be a number up to ${MAX_FORMAT_WIDTH}`,
            start,
          );
        }
      }
    }
  }
}

function explain(message: string): string {
  if (/not authorized/.test(message)) {
    return `${message}: an expression may not call ${[...DENIED_FUNCTIONS].join(', ')}, read tables or run statements`;
  }
  return message;
}

/** SQLite says `near "x": syntax error`; point at the first `x` in the expression. */
function nearPosition(message: string, source: string): number | undefined {
  const near = /near "(.+)": syntax error/.exec(message)?.[1];
  if (near === undefined) return undefined;
  const at = source.indexOf(near);
  return at < 0 ? undefined : at;
}
