// Deep immutability for validated configuration: the loader freezes what it returns so that no
// component can change a setting that another one has already read.

export type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** Freezes `value` and everything reachable from it; returns the same object. */
export function deepFreeze<T>(value: T): DeepReadonly<T> {
  const pending: unknown[] = [value];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    if (typeof item !== 'object' || item === null || Object.isFrozen(item)) continue;
    Object.freeze(item);
    pending.push(...(Object.values(item) as unknown[]));
  }
  return value as DeepReadonly<T>;
}
