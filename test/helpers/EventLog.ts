/**
 * Collects events and lets a test wait (with a deadline, never a fixed sleep) until one matching a
 * predicate has arrived.
 */
export class EventLog<T> {
  readonly items: T[] = [];
  #waiters: { match: (item: T) => boolean; resolve: (item: T) => void }[] = [];

  /** Records an event; wakes waiters whose predicate it satisfies. */
  push = (item: T): void => {
    this.items.push(item);
    for (const w of [...this.#waiters]) {
      if (w.match(item)) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve(item);
      }
    }
  };

  /** The first recorded event matching `match`, waiting up to `timeoutMs` for it. */
  waitFor(match: (item: T) => boolean, timeoutMs = 10_000, what = "event"): Promise<T> {
    const found = this.items.find(match);
    if (found !== undefined) {
      return Promise.resolve(found);
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.resolve !== done);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; got ${this.items.length} events`,
          ),
        );
      }, timeoutMs);
      const done = (item: T) => {
        clearTimeout(timer);
        resolve(item);
      };
      this.#waiters.push({ match, resolve: done });
    });
  }
}

/** Rejects after `ms` unless `promise` settles first. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
