// Reads a `language: sql` expression the way SQLite's tokenizer would, just far enough to know
// which names are record fields (they become columns of a one-row table; `a.b.c` becomes
// json_extract(a, '$.b.c')), which literals mean "now" (they become the injected time), and
// whether the text is one expression and nothing more: no statements, subqueries or
// parameters, which is what keeps an evaluation bounded.

import { ExpressionSyntaxError } from './expression.ts';

export interface SqlExpressionText {
  /** The expression with `'now'` and CURRENT_* replaced by parameters, in order. */
  readonly text: string;
  /** Field names the expression reads, deduplicated ignoring case (SQLite names ignore case). */
  readonly columns: readonly string[];
  /** What each `?` of `text` stands for, in order. */
  readonly clock: readonly ClockParameter[];
}

export type ClockParameter = 'now' | 'timestamp' | 'date' | 'time';

const CLOCK_KEYWORDS: Readonly<Record<string, ClockParameter>> = {
  CURRENT_TIMESTAMP: 'timestamp',
  CURRENT_DATE: 'date',
  CURRENT_TIME: 'time',
};

/** Words that open a statement or a subquery: an expression never needs them. */
const REFUSED_WORDS = new Set(['SELECT', 'WITH', 'VALUES', 'FROM', 'RECURSIVE']);

/**
 * Words that are never a field in an expression: keywords of expressions, and TRUE / FALSE,
 * which SQLite reads as 1 and 0 only while no column has that name.
 */
const NOT_FIELDS = new Set(
  (
    'TRUE FALSE AND OR NOT IS NULL CASE WHEN THEN ELSE END CAST AS IN LIKE GLOB REGEXP MATCH ' +
    'BETWEEN ESCAPE COLLATE DISTINCT EXISTS ISNULL NOTNULL'
  ).split(' '),
);

/** After these words comes a type or collation name, not a field. */
const NAME_FOLLOWS = new Set(['AS', 'COLLATE']);

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

export function readSqlExpression(source: string): SqlExpressionText {
  const columns = new Map<string, string>();
  const clock: ClockParameter[] = [];
  let text = '';
  let i = 0;
  const n = source.length;
  const refuse = (what: string, at: number): never => {
    throw new ExpressionSyntaxError(what, at);
  };
  const quoted = (close: string, start: number): number => {
    let j = start + 1;
    for (;;) {
      const end = source.indexOf(close, j);
      if (end < 0) refuse('unterminated quote', start);
      if (source[end + 1] === close && close !== ']') {
        j = end + 2;
        continue;
      }
      return end + 1;
    }
  };
  const nextSignificant = (from: number): string | undefined => {
    let j = from;
    while (j < n && /\s/.test(source[j] ?? '')) j += 1;
    return source[j];
  };
  let previous = '';
  while (i < n) {
    const c = source[i] ?? '';
    if (c === "'") {
      const end = quoted("'", i);
      const literal = source.slice(i, end);
      if (literal.toLowerCase() === "'now'") {
        text += '?';
        clock.push('now');
      } else {
        text += literal;
      }
      previous = "'";
      i = end;
      continue;
    }
    if (c === '"' || c === '`' || c === '[') {
      const end = quoted(c === '[' ? ']' : c, i);
      const name = source.slice(i + 1, end - 1).replace(c === '"' ? /""/g : /``/g, c);
      if (previous !== '.' && nextSignificant(end) !== '(' && nextSignificant(end) !== '.') {
        addColumn(columns, name);
      }
      text += source.slice(i, end);
      previous = 'name';
      i = end;
      continue;
    }
    if (c === '-' && source[i + 1] === '-') {
      const end = source.indexOf('\n', i);
      i = end < 0 ? n : end;
      text += ' ';
      continue;
    }
    if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) refuse('unterminated comment', i);
      i = end + 2;
      text += ' ';
      continue;
    }
    if (c === ';') refuse('one expression only: remove the ;', i);
    if (c === '?' || c === ':' || c === '@' || c === '$') {
      refuse(`parameters (${c}) are not allowed in an expression`, i);
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < n && /[0-9A-Za-z_.]/.test(source[j] ?? '')) {
        // An exponent sign belongs to the number (1e-3).
        if ((source[j] === 'e' || source[j] === 'E') && /[+-]/.test(source[j + 1] ?? '')) j += 1;
        j += 1;
      }
      text += source.slice(i, j);
      previous = 'number';
      i = j;
      continue;
    }
    if (WORD_START.test(c)) {
      let j = i + 1;
      while (j < n && WORD_PART.test(source[j] ?? '')) j += 1;
      const word = source.slice(i, j);
      const upper = word.toUpperCase();
      if (REFUSED_WORDS.has(upper)) {
        refuse(`${upper} is not allowed: write one expression over the record's fields`, i);
      }
      const clockWord = CLOCK_KEYWORDS[upper];
      // `after.address.city`: a path into a field holding an object (bound as JSON text), as
      // with row_format full. No table exists, so a dotted name can mean nothing else.
      const path = /^(?:\.[A-Za-z_][A-Za-z0-9_]*)+/.exec(source.slice(j))?.[0];
      if (path !== undefined && previous !== '.' && !NOT_FIELDS.has(upper)) {
        addColumn(columns, word);
        text += `json_extract(${quoteName(word)}, '$${path}')`;
        previous = 'name';
        i = j + path.length;
        continue;
      }
      if (clockWord !== undefined) {
        text += '?';
        clock.push(clockWord);
      } else {
        const follows = nextSignificant(j);
        if (
          previous !== '.' &&
          !NAME_FOLLOWS.has(previous) &&
          follows !== '(' &&
          follows !== '.' &&
          !NOT_FIELDS.has(upper)
        ) {
          addColumn(columns, word);
        }
        text += word;
      }
      previous = NAME_FOLLOWS.has(upper) ? upper : 'name';
      i = j;
      continue;
    }
    text += c;
    if (!/\s/.test(c)) previous = c;
    i += 1;
  }
  return { text, columns: [...columns.values()], clock };
}

function quoteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function addColumn(columns: Map<string, string>, name: string): void {
  const folded = name.toLowerCase();
  if (!columns.has(folded)) columns.set(folded, name);
}
