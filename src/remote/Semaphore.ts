import { FoxgloveError } from "../core/FoxgloveError.js";

/** One acquired slot of a {@link Semaphore}; releasing twice is harmless. */
export interface SemaphorePermit extends Disposable {
  /** Gives the slot back (idempotent). */
  release(): void;
}

/**
 * A non-blocking counting semaphore used for admission control (e.g. 32 outstanding service
 * calls per viewer): `tryAcquire` either returns a permit or undefined when all are taken.
 */
export class Semaphore {
  #available: number;

  /** @param permits number of slots (a non-negative integer). */
  constructor(permits: number) {
    if (!Number.isInteger(permits) || permits < 0) {
      throw new FoxgloveError(
        "ERR_VALUE",
        `semaphore permits must be a non-negative integer, got ${permits}`,
      );
    }
    this.#available = permits;
  }

  /** Free slots. */
  get available(): number {
    return this.#available;
  }

  /** Takes a slot, or returns undefined when none is free. */
  tryAcquire(): SemaphorePermit | undefined {
    if (this.#available === 0) {
      return undefined;
    }
    this.#available--;
    let held = true;
    const release = (): void => {
      if (held) {
        held = false;
        this.#available++;
      }
    };
    return { release, [Symbol.dispose]: release };
  }
}
