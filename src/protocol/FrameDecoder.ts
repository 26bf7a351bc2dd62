import { FoxgloveError } from "../core/FoxgloveError.js";
import { byteView } from "./byteView.js";
import { FRAME_HEADER_SIZE, FrameOpcode, MAX_FRAME_PAYLOAD, type Frame } from "./Frame.js";

/** Options of {@link FrameDecoder}. */
export interface FrameDecoderOptions {
  /** Largest accepted payload in bytes, inclusive. Default 16 MiB ({@link MAX_FRAME_PAYLOAD}). */
  maxPayload?: number;
}

/**
 * Reassembles control-stream frames from byte-stream chunks split at arbitrary boundaries
 * (spec 1.3/1.4). Feed chunks with {@link push}; it returns the frames completed so far.
 *
 * Corruption makes the stream unusable; the decoder then fails with a typed error:
 * - `ERR_PROTOCOL` for a frame opcode other than 1 or 2 (detected on its first byte);
 * - `ERR_FRAME_TOO_LARGE` for a declared length over `maxPayload`, detected from the header
 *   before any payload buffer is allocated.
 *
 * Frames that precede the corruption are never lost: when a chunk holds good frames and then
 * corruption, `push` returns those frames and sets {@link error}; the error is thrown by the next
 * `push` or by `finish`. When a chunk starts with (or continues into) corruption, `push` throws at
 * once. Typical use: `for (const f of d.push(chunk)) handle(f); if (d.error) stop();`.
 *
 * A payload lying entirely inside one pushed chunk is returned as a view of that chunk (no copy);
 * callers that reuse chunk buffers must copy. A payload spanning chunks is copied into one buffer
 * of exactly its declared size, allocated once its header is complete.
 */
export class FrameDecoder {
  readonly #maxPayload: number;
  readonly #header = new Uint8Array(FRAME_HEADER_SIZE);
  #headerFill = 0;
  #payload: Uint8Array | undefined;
  #payloadFill = 0;
  #opcode: FrameOpcode = FrameOpcode.Json;
  #error: FoxgloveError | undefined;

  constructor(options: FrameDecoderOptions = {}) {
    this.#maxPayload = options.maxPayload ?? MAX_FRAME_PAYLOAD;
  }

  /** Bytes of an incomplete frame held back, waiting for more input. */
  get pendingBytes(): number {
    return this.#payload === undefined ? this.#headerFill : FRAME_HEADER_SIZE + this.#payloadFill;
  }

  /** The error that made the stream corrupt, if any. */
  get error(): FoxgloveError | undefined {
    return this.#error;
  }

  #fail(error: FoxgloveError): never {
    this.#error = error;
    this.#payload = undefined;
    throw error;
  }

  #checkOpcode(byte: number): FrameOpcode {
    if (byte !== FrameOpcode.Json && byte !== FrameOpcode.Binary) {
      this.#fail(
        new FoxgloveError(
          "ERR_PROTOCOL",
          `Unknown frame opcode 0x${byte.toString(16).padStart(2, "0")} (expected 1 or 2)`,
        ),
      );
    }
    return byte;
  }

  #checkLength(h: Uint8Array, at: number): number {
    const n = (h[at]! | (h[at + 1]! << 8) | (h[at + 2]! << 16) | (h[at + 3]! << 24)) >>> 0;
    if (n > this.#maxPayload) {
      this.#fail(
        new FoxgloveError(
          "ERR_FRAME_TOO_LARGE",
          `Frame payload of ${n} bytes exceeds the limit of ${this.#maxPayload} bytes`,
        ),
      );
    }
    return n;
  }

  /**
   * Consumes `chunk` and returns every frame it completes, in order, up to any corruption. Throws
   * as described on the class.
   */
  push(chunk: Uint8Array): Frame[] {
    if (this.#error !== undefined) {
      throw this.#error;
    }
    const frames: Frame[] = [];
    try {
      this.#consume(chunk, frames);
    } catch (error) {
      if (frames.length === 0 || error !== this.#error) {
        throw error;
      }
    }
    return frames;
  }

  #consume(chunk: Uint8Array, frames: Frame[]): void {
    let i = 0;
    const len = chunk.length;
    while (i < len) {
      if (this.#payload !== undefined) {
        // Continue a payload that spans chunks.
        const take = Math.min(len - i, this.#payload.length - this.#payloadFill);
        this.#payload.set(chunk.subarray(i, i + take), this.#payloadFill);
        this.#payloadFill += take;
        i += take;
        if (this.#payloadFill === this.#payload.length) {
          frames.push({ opcode: this.#opcode, payload: this.#payload });
          this.#payload = undefined;
          this.#payloadFill = 0;
        }
        continue;
      }
      if (this.#headerFill === 0 && len - i >= FRAME_HEADER_SIZE) {
        // Fast path: the whole header is in this chunk.
        const opcode = this.#checkOpcode(chunk[i]!);
        const n = this.#checkLength(chunk, i + 1);
        i += FRAME_HEADER_SIZE;
        if (len - i >= n) {
          frames.push({ opcode, payload: byteView(chunk, i, i + n) });
          i += n;
        } else {
          this.#startPayload(opcode, n);
        }
        continue;
      }
      // Slow path: assemble the header byte by byte.
      if (this.#headerFill === 0) {
        this.#checkOpcode(chunk[i]!);
      }
      this.#header[this.#headerFill++] = chunk[i++]!;
      if (this.#headerFill === FRAME_HEADER_SIZE) {
        this.#headerFill = 0;
        const opcode = this.#header[0] as FrameOpcode;
        const n = this.#checkLength(this.#header, 1);
        if (n === 0) {
          frames.push({ opcode, payload: new Uint8Array(0) });
        } else {
          this.#startPayload(opcode, n);
        }
      }
    }
  }

  #startPayload(opcode: FrameOpcode, n: number): void {
    this.#opcode = opcode;
    this.#payload = new Uint8Array(n);
    this.#payloadFill = 0;
  }

  /**
   * Declares the end of the stream. Throws `ERR_PROTOCOL` when it ended inside a frame (the
   * partial frame is discarded), or the earlier error if the stream was already corrupt.
   */
  finish(): void {
    if (this.#error !== undefined) {
      throw this.#error;
    }
    const pending = this.pendingBytes;
    if (pending > 0) {
      this.#headerFill = 0;
      this.#payload = undefined;
      this.#payloadFill = 0;
      throw new FoxgloveError("ERR_PROTOCOL", `Stream ended inside a frame (${pending} bytes)`);
    }
  }
}
