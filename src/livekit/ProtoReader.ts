import { FoxgloveError } from "../core/FoxgloveError.js";

/**
 * A minimal protobuf wire reader for the few FFI messages decoded by hand on hot paths: varints
 * (below 2^53), length-delimited fields and skipping. Throws FoxgloveError ERR_LIVEKIT on
 * malformed input.
 */
export class ProtoReader {
  readonly #bytes: Uint8Array;
  #pos: number;
  readonly #end: number;

  /** Reads `bytes[pos, end)` (default: all of it). */
  constructor(bytes: Uint8Array, pos = 0, end = bytes.length) {
    this.#bytes = bytes;
    this.#pos = pos;
    this.#end = end;
  }

  /** True at the end of the input. */
  get done(): boolean {
    return this.#pos >= this.#end;
  }

  /** The next varint. */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.#pos >= this.#end || scale > 2 ** 63) {
        throw new FoxgloveError("ERR_LIVEKIT", "malformed FFI reply");
      }
      const byte = this.#bytes[this.#pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        return value;
      }
      scale *= 128;
    }
  }

  /** The next length-delimited field's bytes (a view). */
  bytes(): Uint8Array {
    const length = this.varint();
    const start = this.#pos;
    if (start + length > this.#end) {
      throw new FoxgloveError("ERR_LIVEKIT", "malformed FFI reply");
    }
    this.#pos += length;
    return this.#bytes.subarray(start, start + length);
  }

  /** A reader over the next length-delimited field. */
  sub(): ProtoReader {
    return new ProtoReader(this.bytes());
  }

  /** Skips the value of a field with `tag`. */
  skip(tag: number): void {
    switch (tag & 7) {
      case 0:
        this.varint();
        return;
      case 1:
        this.#pos += 8;
        return;
      case 2:
        this.bytes();
        return;
      case 5:
        this.#pos += 4;
        return;
      default:
        throw new FoxgloveError("ERR_LIVEKIT", "malformed FFI reply");
    }
  }
}
