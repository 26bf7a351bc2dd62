import { log } from "../core/logger.js";

/**
 * Calls a user-supplied handler so that it can never break the caller: a synchronous throw or a
 * rejected returned promise is logged as an error (prefixed with `what`) and swallowed.
 * `self` becomes `this` inside the handler, so listener objects may be class instances.
 */
export function safeCall<A extends unknown[]>(
  what: string,
  self: unknown,
  fn: ((...args: A) => unknown) | undefined,
  ...args: A
): void {
  if (fn === undefined) {
    return;
  }
  try {
    const result: unknown = fn.apply(self, args);
    if (isThenable(result)) {
      result.then(undefined, (error: unknown) => log.error(`${what} failed:`, error));
    }
  } catch (error) {
    log.error(`${what} threw:`, error);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
