import { byteView } from "./byteView.js";
import { decodeError } from "./errors.js";
import { decodeUtf8 } from "./utf8.js";

/**
 * Little-endian cursor over a binary message. Every read checks the remaining length and throws
 * `ERR_DECODE` ("buffer too short") naming the message being decoded.
 */
export class ByteReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #what: string;
  #offset: number;

  constructor(bytes: Uint8Array, what: string, offset = 0) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#what = what;
    this.#offset = offset;
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.#bytes.length - this.#offset;
  }

  #need(n: number, field: string): number {
    if (n > this.remaining) {
      throw decodeError(
        `Buffer too short for ${this.#what}: ${field} needs ${n} bytes, ${this.remaining} left`,
      );
    }
    const at = this.#offset;
    this.#offset += n;
    return at;
  }

  u8(field: string): number {
    return this.#view.getUint8(this.#need(1, field));
  }

  u32(field: string): number {
    return this.#view.getUint32(this.#need(4, field), true);
  }

  u64(field: string): bigint {
    return this.#view.getBigUint64(this.#need(8, field), true);
  }

  /** A u64 that must be below 2^53 (ids), as a number. */
  u64Safe(field: string): number {
    const at = this.#need(8, field);
    const lo = this.#view.getUint32(at, true);
    const hi = this.#view.getUint32(at + 4, true);
    if (hi > 0x1fffff) {
      throw decodeError(`${field} of ${this.#what} exceeds 2^53 - 1`);
    }
    return hi * 0x1_0000_0000 + lo;
  }

  f32(field: string): number {
    return this.#view.getFloat32(this.#need(4, field), true);
  }

  /** `n` raw bytes (a view, not a copy). */
  bytes(n: number, field: string): Uint8Array {
    const at = this.#need(n, field);
    return byteView(this.#bytes, at, at + n);
  }

  /** A u32 length followed by that many bytes of strict UTF-8. */
  string(field: string): string {
    const n = this.u32(`${field} length`);
    return decodeUtf8(this.bytes(n, field), `${field} of ${this.#what}`);
  }

  /** All remaining bytes (a view). */
  rest(): Uint8Array {
    const at = this.#offset;
    this.#offset = this.#bytes.length;
    return byteView(this.#bytes, at);
  }
}
