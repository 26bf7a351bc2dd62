/** Items pushed by event handlers, with a way to wait (bounded) for one matching a predicate. */
export class Waiter<T> {
  readonly items: T[] = [];
  #wake: (() => void)[] = [];

  push(item: T): void {
    this.items.push(item);
    this.#wake.splice(0).forEach((w) => w());
  }

  /** Resolves with the first item (already pushed or future) matching `match`; rejects after `ms`. */
  async waitFor(match: (item: T) => boolean, ms = 10_000, what = "an event"): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.items.find(match);
      if (found !== undefined) {
        return found;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
