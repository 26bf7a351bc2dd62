/**
 * Lets an action (such as a warning) happen at most once per interval and counts what it held
 * back. Pure apart from the clock, which can be injected for tests.
 */
export class Throttler {
  readonly #intervalMs: number;
  readonly #now: () => number;
  #nextAt = -Infinity;
  #suppressed = 0;

  /**
   * @param intervalMs minimum time between two allowed actions, in milliseconds
   * @param now clock in milliseconds; default `Date.now`
   */
  constructor(intervalMs: number, now: () => number = Date.now) {
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  /**
   * Returns the number of actions suppressed since the last allowed one (0 or more) if the
   * action may happen now, or `undefined` if it must be suppressed.
   */
  tryAcquire(): number | undefined {
    const now = this.#now();
    if (now < this.#nextAt) {
      this.#suppressed++;
      return undefined;
    }
    this.#nextAt = now + this.#intervalMs;
    const suppressed = this.#suppressed;
    this.#suppressed = 0;
    return suppressed;
  }
}
