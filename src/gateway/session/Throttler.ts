/**
 * Lets an action through at most once per interval (the first attempt always passes). Time is
 * read from an injectable monotonic clock in milliseconds (default `performance.now`).
 */
export class Throttler {
  readonly #intervalMs: number;
  readonly #now: () => number;
  #last: number | undefined;

  /** @param intervalMs minimum spacing in milliseconds. */
  constructor(intervalMs: number, now: () => number = () => performance.now()) {
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  /** True (and the interval restarts) when the last pass was at least `intervalMs` ago. */
  tryAcquire(): boolean {
    const now = this.#now();
    if (this.#last !== undefined && now - this.#last < this.#intervalMs) {
      return false;
    }
    this.#last = now;
    return true;
  }
}
