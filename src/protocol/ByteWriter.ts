import { encodeError } from "./errors.js";
import { encodeUtf8Into, utf8Length } from "./utf8.js";

const U64_LIMIT = 1n << 64n;

/** Little-endian writer into a buffer of a size known in advance. */
export class ByteWriter {
  readonly bytes: Uint8Array;
  readonly #view: DataView;
  #offset = 0;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.#view = new DataView(this.bytes.buffer);
  }

  u8(value: number): this {
    this.#view.setUint8(this.#offset, value);
    this.#offset += 1;
    return this;
  }

  u32(value: number): this {
    this.#view.setUint32(this.#offset, value, true);
    this.#offset += 4;
    return this;
  }

  /** A u64 from a number below 2^53 (already validated). */
  u64Number(value: number): this {
    this.#view.setUint32(this.#offset, value % 0x1_0000_0000, true);
    this.#view.setUint32(this.#offset + 4, Math.floor(value / 0x1_0000_0000), true);
    this.#offset += 8;
    return this;
  }

  u64(value: bigint): this {
    this.#view.setBigUint64(this.#offset, value, true);
    this.#offset += 8;
    return this;
  }

  f32(value: number): this {
    this.#view.setFloat32(this.#offset, value, true);
    this.#offset += 4;
    return this;
  }

  raw(data: Uint8Array): this {
    this.bytes.set(data, this.#offset);
    this.#offset += data.length;
    return this;
  }

  /** A u32 byte length then the UTF-8 text; `byteLength` must equal `utf8Length(text)`. */
  string(text: string, byteLength: number): this {
    this.u32(byteLength);
    this.#offset += encodeUtf8Into(text, this.bytes.subarray(this.#offset));
    return this;
  }
}

/** Throws `ERR_ENCODE` unless `value` is an integer in [0, 2^32). */
export function checkU32(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw encodeError(`${field} must be an unsigned 32-bit integer`);
  }
  return value;
}

/** Throws `ERR_ENCODE` unless `value` is an integer in [0, 2^53). */
export function checkSafeId(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw encodeError(`${field} must be a non-negative integer below 2^53`);
  }
  return value;
}

/** Throws `ERR_ENCODE` unless `value` is a bigint in [0, 2^64). */
export function checkU64(value: bigint, field: string): bigint {
  if (typeof value !== "bigint" || value < 0n || value >= U64_LIMIT) {
    throw encodeError(`${field} must be a bigint in [0, 2^64)`);
  }
  return value;
}

/** UTF-8 length of a string field, checking it is a string. */
export function stringLength(value: string, field: string): number {
  if (typeof value !== "string") {
    throw encodeError(`${field} must be a string`);
  }
  return utf8Length(value);
}
