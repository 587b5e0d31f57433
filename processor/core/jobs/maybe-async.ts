// Values that are usually ready at once and only sometimes a promise (a JSONata expression off
// its fast path, a lookup): continuing synchronously when they are ready spares the job engine
// a promise and a microtask per step on the common path. Order and errors are as with await.

export type MaybePromise<T> = T | Promise<T>;

/** `next(value)` now when `value` is ready, else once it settles. */
export function andThen<T, U>(
  value: MaybePromise<T>,
  next: (ready: T) => MaybePromise<U>,
): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/**
 * Applies `step` to `items` in order, each step seeing the previous result; stops (returning
 * undefined) when a step gives undefined. Synchronous until a step returns a promise.
 */
export function reduceSteps<S, T>(
  items: readonly S[],
  initial: T,
  step: (item: S, value: T) => MaybePromise<T | undefined>,
  from = 0,
): MaybePromise<T | undefined> {
  let value = initial;
  for (let i = from; i < items.length; i++) {
    const item = items[i] as S;
    const next = step(item, value);
    if (next instanceof Promise) {
      return next.then((ready) =>
        ready === undefined ? undefined : reduceSteps(items, ready, step, i + 1),
      );
    }
    if (next === undefined) return undefined;
    value = next;
  }
  return value;
}
