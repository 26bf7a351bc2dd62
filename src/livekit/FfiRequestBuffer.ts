/** Requests larger than this are encoded into a one-off buffer instead of the reused one. */
const MAX_REUSED_BYTES = 1 << 20;

/**
 * The buffer a hand-written FFI request codec encodes into, reused across calls (the request is
 * handed to the native call at once, which copies it). Grows by doubling up to 1 MiB; a larger
 * request gets a one-off buffer so one big frame does not pin memory for good.
 */
export class FfiRequestBuffer {
  #buffer: Uint8Array;
  #view: Uint8Array;

  /** `initialBytes`: the starting size of the reused buffer. */
  constructor(initialBytes: number) {
    this.#buffer = new Uint8Array(initialBytes);
    this.#view = this.#buffer.subarray(0, 0);
  }

  /** A buffer of at least `total` bytes to encode into: the reused one, or a one-off. */
  take(total: number): Uint8Array {
    if (total > this.#buffer.byteLength) {
      if (total > MAX_REUSED_BYTES) {
        return new Uint8Array(total);
      }
      this.#buffer = new Uint8Array(Math.max(total, this.#buffer.byteLength * 2));
    }
    return this.#buffer;
  }

  /** The encoded request: the first `total` bytes of `out` (from {@link take}). */
  finish(out: Uint8Array, total: number): Uint8Array {
    if (out !== this.#buffer) {
      return out.byteLength === total ? out : out.subarray(0, total);
    }
    // Reuse the view while the size repeats (a steady stream of equal frames).
    if (this.#view.buffer !== out.buffer || this.#view.byteLength !== total) {
      this.#view = out.subarray(0, total);
    }
    return this.#view;
  }
}
