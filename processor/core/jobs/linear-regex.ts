// Regular expressions of user expressions run on RE2 (the re2js package): matching time is
// linear in the input, so `/^(a+)+$/` cannot stall the processor or the api for seconds the
// way a backtracking engine does, and no time limit is needed to interrupt it (JavaScript
// cannot interrupt a native RegExp). The price: RE2 syntax (no lookaround, no
// backreferences), refused at deploy where the pattern is known, and a few µs per match.

import { RE2JS } from 're2js';
import { SluiceError } from '../../../common/errors.ts';

/** Thrown for a pattern RE2 cannot run; callers turn it into their coded error. */
export class RegexSyntaxError extends Error {}

const FROM_JS_FLAGS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
};

/**
 * RE2 matches in time proportional to input length × program size (its instructions: `a{1000}`
 * is 1,002), so both are bounded: a program over MAX_REGEX_PROGRAM is refused like bad syntax,
 * and a match whose product passes MAX_REGEX_WORK (0.5–2 s measured) rejects the record.
 */
export const MAX_REGEX_PROGRAM = 5_000;
export const MAX_REGEX_WORK = 20_000_000;

// Compiled patterns by source and flags. Patterns come from job files (a few per job) and,
// for JMESPath's regex_replace, from records: the cache is bounded so records cannot grow it.
const MAX_CACHED = 512;
const cache = new Map<string, RE2JS>();

function compileCached(pattern: string, flags: number): RE2JS {
  const key = `${flags}/${pattern}`;
  let re = cache.get(key);
  if (re === undefined) {
    try {
      re = RE2JS.compile(pattern, flags);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new RegexSyntaxError(
        `the regular expression /${pattern}/ is not supported: ${reason} (expressions use RE2 syntax: no lookaround or backreferences)`,
      );
    }
    if (re.programSize() > MAX_REGEX_PROGRAM) {
      throw new RegexSyntaxError(
        `the regular expression /${pattern}/ is too large: ${re.programSize()} instructions, the limit is ${MAX_REGEX_PROGRAM} (a repeat count such as {1000} multiplies its part)`,
      );
    }
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, re);
  }
  return re;
}

/** A JavaScript RegExp (JSONata's regex literals) as a linear-time RE2 pattern. */
export function linearFromRegExp(regex: RegExp): RE2JS {
  let flags = 0;
  for (const flag of regex.flags) flags |= FROM_JS_FLAGS[flag] ?? 0;
  let pattern: string;
  try {
    pattern = RE2JS.translateRegExp(regex.source);
  } catch (error) {
    throw new RegexSyntaxError(error instanceof Error ? error.message : String(error));
  }
  return compileCached(pattern, flags);
}

/** A pattern written in RE2/Python syntax (JMESPath's regex_replace, as in RDI). */
export function linearPattern(pattern: string): RE2JS {
  return compileCached(pattern, 0);
}

/**
 * The part of RegExp that JSONata's evaluator uses (`lastIndex` and `exec` with the global
 * flag's semantics), on RE2. Given to JSONata as its `RegexEngine`.
 */
export class LinearRegExp {
  lastIndex = 0;
  readonly #re: RE2JS;

  constructor(regex: RegExp) {
    this.#re = linearFromRegExp(regex);
  }

  exec(input: string): RegExpExecArray | null {
    checkWork(this.#re, input);
    const matcher = this.#re.matcher(input);
    if (this.lastIndex > input.length || !matcher.find(this.lastIndex)) {
      this.lastIndex = 0;
      return null;
    }
    const groups: (string | undefined)[] = [matcher.group(0) ?? ''];
    for (let i = 1; i <= matcher.groupCount(); i++) groups.push(matcher.group(i) ?? undefined);
    this.lastIndex = matcher.end();
    return Object.assign(groups, { index: matcher.start(), input }) as RegExpExecArray;
  }
}

/**
 * `input` with every match of `re` replaced by `replacement`, where `\1` and `\g<1>` (Python
 * style, as RDI writes them) insert a group and everything else is literal. Refuses to build
 * more than `maxChars` characters.
 */
export function replaceAllLinear(
  input: string,
  re: RE2JS,
  replacement: string,
  maxChars: number,
): string {
  checkWork(re, input);
  const parts = replacementParts(replacement);
  const matcher = re.matcher(input);
  let out = '';
  let from = 0;
  while (from <= input.length && matcher.find(from)) {
    const start = matcher.start();
    const end = matcher.end();
    out += input.slice(from, start);
    for (const part of parts) {
      out += typeof part === 'string' ? part : (matcher.group(part) ?? '');
    }
    if (out.length > maxChars) throw tooLong(maxChars);
    if (end === start) {
      // An empty match: keep the next character and move on, as String.replace does.
      out += input.slice(end, end + 1);
      from = end + 1;
    } else {
      from = end;
    }
  }
  if (from < input.length) out += input.slice(from);
  if (out.length > maxChars) throw tooLong(maxChars);
  return out;
}

/** Literal texts and group numbers of a Python-style replacement (`\1`, `\g<1>`). */
function replacementParts(replacement: string): (string | number)[] {
  const parts: (string | number)[] = [];
  const reference = /\\g<(\d+)>|\\(\d+)/g;
  let from = 0;
  for (let m = reference.exec(replacement); m !== null; m = reference.exec(replacement)) {
    parts.push(replacement.slice(from, m.index), Number(m[1] ?? m[2]));
    from = m.index + m[0].length;
  }
  parts.push(replacement.slice(from));
  return parts;
}

function tooLong(maxChars: number): SluiceError {
  return new SluiceError(
    'JOB_LIMIT_EXCEEDED',
    `regex_replace would build more than ${maxChars} characters`,
  );
}

function checkWork(re: RE2JS, input: string): void {
  const work = input.length * re.programSize();
  if (work > MAX_REGEX_WORK) {
    throw new SluiceError(
      'JOB_LIMIT_EXCEEDED',
      `matching a regular expression of ${re.programSize()} instructions against ${input.length} characters exceeds the limit of ${MAX_REGEX_WORK} steps`,
      { hint: 'use a smaller pattern (fewer or smaller repeat counts) or a shorter input' },
    );
  }
}
