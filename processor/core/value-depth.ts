// How deep the values of one record may nest. Every walk over record values (decoding, job
// data, expression results, responses) recurses; with this bound they stay far below the
// stack limit, and a deeper record is refused with a coded error instead of a RangeError.

/** Most levels of objects and lists inside one row or expression result. */
export const MAX_VALUE_DEPTH = 100;

export function tooDeepText(max = MAX_VALUE_DEPTH): string {
  return `nests objects and lists more than ${max} levels deep`;
}

/**
 * The path (keys and indexes from the root) of the first object or list nested deeper than
 * `max` levels, or undefined when `value` stays within it. Iterative, so any depth is safe.
 */
export function pathDeeperThan(
  value: unknown,
  max: number = MAX_VALUE_DEPTH,
): (string | number)[] | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value: node, path } = item;
    if (typeof node !== 'object' || node === null) continue;
    if (path.length >= max) return path;
    if (Array.isArray(node)) {
      node.forEach((child: unknown, index) => stack.push({ value: child, path: [...path, index] }));
    } else {
      for (const [key, child] of Object.entries(node)) {
        stack.push({ value: child as unknown, path: [...path, key] });
      }
    }
  }
  return undefined;
}
