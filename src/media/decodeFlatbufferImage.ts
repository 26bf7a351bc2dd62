import { FoxgloveError } from "../core/FoxgloveError.js";
import { stampNanos, type ImageMessage } from "./ImageMessage.js";

/**
 * Reads a Foxglove RawImage / CompressedImage FlatBuffer (tables as in the Foxglove `.fbs`
 * schemas), checking every offset against the buffer as a verifier would. An absent timestamp
 * gives none. Throws FoxgloveError ERR_DECODE for garbage or an out-of-range timestamp.
 */
export function decodeFlatbufferImage(
  image: "raw" | "compressed",
  bytes: Uint8Array,
): ImageMessage {
  const t = new Table(bytes);
  const stamp = t.struct(0, 8);
  const timestampNs =
    stamp === undefined ? undefined : stampNanos(t.u32At(stamp), t.u32At(stamp + 4));
  const frameId = t.string(1);
  if (image === "compressed") {
    return { kind: "compressed", timestampNs, frameId, data: t.bytes(2), format: t.string(3) };
  }
  return {
    kind: "raw",
    timestampNs,
    frameId,
    raw: {
      width: t.u32(2),
      height: t.u32(3),
      encoding: t.string(4),
      step: t.u32(5),
      data: t.bytes(6),
    },
  };
}

function bad(what: string): never {
  throw new FoxgloveError("ERR_DECODE", `invalid FlatBuffer image: ${what}`);
}

/** The root table of a FlatBuffer, with bounds-checked field access. */
class Table {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #table: number;
  readonly #vtable: number;
  readonly #vtableSize: number;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#table = this.u32At(0);
    this.#check(this.#table, 4, "root table");
    this.#vtable = this.#table - this.#view.getInt32(this.#table, true);
    this.#check(this.#vtable, 4, "vtable", 2);
    this.#vtableSize = this.#view.getUint16(this.#vtable, true);
    const tableSize = this.#view.getUint16(this.#vtable + 2, true);
    if (this.#vtableSize < 4 || this.#vtableSize % 2 !== 0) {
      bad("vtable size");
    }
    this.#check(this.#vtable, this.#vtableSize, "vtable", 2);
    this.#check(this.#table, tableSize, "table", 1);
  }

  /** Fails unless `size` bytes at `at` lie inside the buffer, `align`-aligned. */
  #check(at: number, size: number, what: string, align = 4): void {
    if (at < 0 || at + size > this.#bytes.length || at % align !== 0) {
      bad(`${what} out of bounds`);
    }
  }

  u32At(at: number): number {
    this.#check(at, 4, "uint32");
    return this.#view.getUint32(at, true);
  }

  /** The absolute offset of field `id`, or undefined when absent. */
  #field(id: number): number | undefined {
    const slot = 4 + 2 * id;
    if (slot + 2 > this.#vtableSize) {
      return undefined;
    }
    const off = this.#view.getUint16(this.#vtable + slot, true);
    return off === 0 ? undefined : this.#table + off;
  }

  struct(id: number, size: number): number | undefined {
    const at = this.#field(id);
    if (at !== undefined) {
      this.#check(at, size, "struct");
    }
    return at;
  }

  u32(id: number): number {
    const at = this.#field(id);
    return at === undefined ? 0 : this.u32At(at);
  }

  bytes(id: number): Uint8Array {
    const at = this.#field(id);
    if (at === undefined) {
      return new Uint8Array(0);
    }
    const start = at + this.u32At(at);
    const length = this.u32At(start);
    if (start + 4 + length > this.#bytes.length) {
      bad("vector out of bounds");
    }
    return this.#bytes.subarray(start + 4, start + 4 + length);
  }

  string(id: number): string {
    return new TextDecoder("utf-8", { fatal: true }).decode(this.bytes(id));
  }
}
