// Ordering of Redis stream entry ids ("<ms>-<seq>"), which must be compared numerically.

function parts(id: string): [bigint, bigint] {
  const match = /^(\d+)(?:-(\d+))?$/.exec(id);
  if (match?.[1] === undefined) return [-1n, -1n];
  return [BigInt(match[1]), BigInt(match[2] ?? '0')];
}

/** Orders two stream entry ids (`<ms>-<seq>`, or `<ms>`); a malformed id sorts first. */
export function compareIds(a: string, b: string): number {
  const [am, as] = parts(a);
  const [bm, bs] = parts(b);
  if (am !== bm) return am < bm ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
}

/** True when entry id `a` comes strictly after `b`. */
export function isAfter(a: string, b: string): boolean {
  return compareIds(a, b) > 0;
}
