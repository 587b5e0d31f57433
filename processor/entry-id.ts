// Ordering of Redis stream entry ids ("<ms>-<seq>"), which must be compared numerically.

function parts(id: string): [bigint, bigint] {
  const dash = id.indexOf('-');
  if (dash < 0) return [BigInt(id), 0n];
  return [BigInt(id.slice(0, dash)), BigInt(id.slice(dash + 1))];
}

/** True when entry id `a` comes strictly after `b`. */
export function isAfter(a: string, b: string): boolean {
  const [am, as] = parts(a);
  const [bm, bs] = parts(b);
  return am > bm || (am === bm && as > bs);
}
