// The length of a value's JSON text, counted without building it: JSON.stringify of a result
// holding a string doubled thirty times would first allocate the gigabyte the limit is there
// to refuse. Stops counting as soon as the limit is passed. Iterative, so any depth is safe.

/**
 * Characters of `JSON.stringify(value)` (strings counted without their escapes); once the
 * count passes `max` it stops and returns what it has counted (more than `max`).
 */
export function jsonLength(value: unknown, max: number): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && total <= max) {
    const item = stack.pop();
    if (typeof item === 'string') total += item.length + 2;
    else if (typeof item === 'number' || typeof item === 'boolean') total += String(item).length;
    else if (item === null) total += 4;
    else if (Array.isArray(item)) {
      // Brackets and commas.
      total += 1 + Math.max(1, item.length);
      for (const child of item as unknown[]) stack.push(child);
    } else if (typeof item === 'object') {
      const record = item as Record<string, unknown>;
      const keys = Object.keys(record);
      total += 1 + Math.max(1, keys.length);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        // Quotes and colon.
        total += key.length + 3;
        stack.push(record[key]);
      }
    }
  }
  return total;
}
