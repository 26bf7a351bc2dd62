import {
  DEFAULT_MAX_CONTROL_BATCH_BYTES,
  DEFAULT_MESSAGE_BACKLOG_SIZE,
} from "./sessionDefaults.js";

/** Result of {@link ControlQueue.push}: `full` means the viewer must be reset; `closed` = gone. */
export type EnqueueResult = "queued" | "full" | "closed";

/**
 * A viewer's bounded FIFO of framed control messages. `push` never blocks and never drops a
 * message silently: it reports `full` (the caller resets the viewer) or `closed`. One consumer (the
 * flush loop) takes frames in batches so that many small frames become one byte-stream write.
 */
export class ControlQueue {
  readonly #slots: (Uint8Array | undefined)[];
  #head = 0;
  #count = 0;
  #closed = false;
  #waiter: ((ready: boolean) => void) | undefined;

  /** @param capacity maximum number of queued messages (default 1024, must be ≥ 1). */
  constructor(capacity = DEFAULT_MESSAGE_BACKLOG_SIZE) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`control queue capacity must be a positive integer, got ${capacity}`);
    }
    this.#slots = new Array<Uint8Array | undefined>(capacity);
  }

  /** Maximum number of queued messages. */
  get capacity(): number {
    return this.#slots.length;
  }

  /** Number of messages waiting. */
  get length(): number {
    return this.#count;
  }

  /** True after {@link close}. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Appends one framed message. Never blocks; see {@link EnqueueResult}. */
  push(frame: Uint8Array): EnqueueResult {
    if (this.#closed) {
      return "closed";
    }
    if (this.#count === this.#slots.length) {
      return "full";
    }
    this.#slots[(this.#head + this.#count) % this.#slots.length] = frame;
    this.#count++;
    this.#wake(true);
    return "queued";
  }

  /**
   * Removes the oldest messages, up to `maxBytes` in total (but always at least one), and returns
   * them in order, uncopied: a frame shared by many viewers is copied only into each viewer's
   * LiveKit write request. Undefined when empty.
   */
  take(maxBytes = DEFAULT_MAX_CONTROL_BATCH_BYTES): Uint8Array[] | undefined {
    const first = this.#shift();
    if (first === undefined) {
      return undefined;
    }
    const frames = [first];
    let total = first.byteLength;
    while (this.#count > 0) {
      const next = this.#peek(0);
      if (total + next.byteLength > maxBytes) {
        break;
      }
      total += next.byteLength;
      frames.push(this.#shift()!);
    }
    return frames;
  }

  /**
   * Resolves true once a message is available, false when the queue is closed or `signal` aborts
   * first. Only one wait may be pending at a time (the queue has a single consumer).
   */
  async wait(signal?: AbortSignal): Promise<boolean> {
    if (this.#closed || signal?.aborted === true) {
      return false;
    }
    if (this.#count > 0) {
      return true;
    }
    if (this.#waiter !== undefined) {
      throw new Error("ControlQueue.wait: another wait is already pending");
    }
    return await new Promise<boolean>((resolve) => {
      const onAbort = (): void => this.#wake(false);
      this.#waiter = (ready) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(ready);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Closes the queue: pending messages are abandoned, later pushes report `closed`. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#slots.fill(undefined);
    this.#count = 0;
    this.#wake(false);
  }

  #peek(i: number): Uint8Array {
    return this.#slots[(this.#head + i) % this.#slots.length]!;
  }

  #shift(): Uint8Array | undefined {
    if (this.#count === 0) {
      return undefined;
    }
    const frame = this.#slots[this.#head];
    this.#slots[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#slots.length;
    this.#count--;
    return frame;
  }

  #wake(ready: boolean): void {
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter(ready);
    }
  }
}
