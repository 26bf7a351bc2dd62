import { decodeUtf8 } from "../../protocol/utf8.js";
import type { PointCloud2, PointField } from "./PointCloud2.js";
import { viewOf } from "./PointCloudData.js";

/** A bounds-checked cursor over one serialized message. */
class Cursor {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #little: boolean;
  /** Alignment origin (CDR aligns relative to the end of the encapsulation header). */
  readonly #origin: number;
  readonly #align: boolean;
  pos: number;

  constructor(bytes: Uint8Array, start: number, little: boolean, align: boolean) {
    this.#bytes = bytes;
    this.#view = viewOf(bytes);
    this.#little = little;
    this.#origin = start;
    this.#align = align;
    this.pos = start;
  }

  #take(size: number): number {
    if (this.#align && size > 1) {
      const rel = this.pos - this.#origin;
      this.pos += (size - (rel % size)) % size;
    }
    const at = this.pos;
    if (at + size > this.#bytes.length) {
      throw new Error(`message truncated at byte ${at} (needs ${size} more)`);
    }
    this.pos += size;
    return at;
  }

  u8(): number {
    return this.#view.getUint8(this.#take(1));
  }

  bool(): boolean {
    return this.u8() !== 0;
  }

  u32(): number {
    return this.#view.getUint32(this.#take(4), this.#little);
  }

  i32(): number {
    return this.#view.getInt32(this.#take(4), this.#little);
  }

  bytes(length: number): Uint8Array {
    const at = this.pos;
    if (at + length > this.#bytes.length) {
      throw new Error(`message truncated: ${length}-byte array at byte ${at}`);
    }
    this.pos += length;
    return this.#bytes.subarray(at, at + length);
  }

  /** A string: u32 length, bytes; CDR strings include a trailing NUL in the length. */
  string(nulTerminated: boolean): string {
    const length = this.u32();
    let raw = this.bytes(length);
    if (nulTerminated && raw.length > 0 && raw[raw.length - 1] === 0) {
      raw = raw.subarray(0, raw.length - 1);
    }
    return decodeUtf8(raw, "string");
  }
}

function readBody(c: Cursor, nul: boolean): Omit<PointCloud2, "timestamp" | "frame_id"> {
  const height = c.u32();
  const width = c.u32();
  const count = c.u32();
  const fields: PointField[] = [];
  for (let i = 0; i < count; i++) {
    // Each field takes at least 13 bytes: a huge count fails on truncation, not allocation.
    fields.push({ name: c.string(nul), offset: c.u32(), datatype: c.u8(), count: c.u32() });
  }
  const is_bigendian = c.bool();
  const point_step = c.u32();
  const row_step = c.u32();
  const data = c.bytes(c.u32());
  return { height, width, fields, is_bigendian, point_step, row_step, data };
}

/**
 * Decodes a ROS 2 `sensor_msgs/msg/PointCloud2` in CDR (either endianness, per its 4-byte
 * encapsulation header). Rejects a negative stamp. `data` is a view into `bytes`; `is_dense` is
 * not read. Throws an Error on malformed input.
 */
export function readCdrPointCloud2(bytes: Uint8Array): PointCloud2 {
  if (bytes.length < 4) throw new Error("missing CDR encapsulation header");
  const kind = bytes[1]!;
  if (bytes[0] !== 0 || kind > 3)
    throw new Error(`unsupported CDR encapsulation ${bytes[0]},${kind}`);
  const c = new Cursor(bytes, 4, (kind & 1) === 1, true);
  const sec = c.i32();
  const nsec = c.u32();
  if (sec < 0) throw new Error(`negative timestamp (${sec} s) is not supported`);
  const frame_id = c.string(true);
  return { timestamp: { sec, nsec }, frame_id, ...readBody(c, true) };
}

/**
 * Decodes a ROS 1 `sensor_msgs/PointCloud2` (little endian, unaligned). `data` is a view into
 * `bytes`. Throws an Error on malformed input.
 */
export function readRos1PointCloud2(bytes: Uint8Array): PointCloud2 {
  const c = new Cursor(bytes, 0, true, false);
  c.u32(); // seq
  const sec = c.u32();
  const nsec = c.u32();
  const frame_id = c.string(false);
  return { timestamp: { sec, nsec }, frame_id, ...readBody(c, false) };
}
