import type { Pose } from "@foxglove/schemas";
import { decodeUtf8 } from "../../protocol/utf8.js";
import { viewOf, type PointCloudData, type PointCloudField } from "./PointCloudData.js";

/** Bounds-checked access to one FlatBuffer (little endian). */
class Buf {
  readonly bytes: Uint8Array;
  readonly view: DataView;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = viewOf(bytes);
  }

  check(pos: number, size: number): void {
    if (!Number.isInteger(pos) || pos < 0 || pos + size > this.bytes.length) {
      throw new Error(`offset ${pos}+${size} is outside the ${this.bytes.length}-byte buffer`);
    }
  }

  u8(pos: number): number {
    this.check(pos, 1);
    return this.view.getUint8(pos);
  }

  u16(pos: number): number {
    this.check(pos, 2);
    return this.view.getUint16(pos, true);
  }

  u32(pos: number): number {
    this.check(pos, 4);
    return this.view.getUint32(pos, true);
  }

  f64(pos: number): number {
    this.check(pos, 8);
    return this.view.getFloat64(pos, true);
  }

  /** Follows the uoffset stored at `pos`. */
  deref(pos: number): number {
    return pos + this.u32(pos);
  }

  /** A table at `pos`: returns the position of field `slot`'s value, or 0 when absent. */
  table(pos: number): (slot: number) => number {
    this.check(pos, 4);
    const vtable = pos - this.view.getInt32(pos, true);
    const vsize = this.u16(vtable);
    const tsize = this.u16(vtable + 2);
    this.check(pos, tsize);
    return (slot) => {
      const entry = 4 + 2 * slot;
      if (entry + 2 > vsize) return 0;
      const off = this.u16(vtable + entry);
      return off === 0 ? 0 : pos + off;
    };
  }

  /** Bytes of the vector whose uoffset is at `pos`. */
  vector(pos: number, elementSize: number): { start: number; length: number } {
    const v = this.deref(pos);
    const length = this.u32(v);
    this.check(v + 4, length * elementSize);
    return { start: v + 4, length };
  }

  string(pos: number): string {
    const { start, length } = this.vector(pos, 1);
    return decodeUtf8(this.bytes.subarray(start, start + length), "FlatBuffer string");
  }
}

function readPose(b: Buf, pos: number): Pose {
  const field = b.table(pos);
  const doubles = (slot: number, keys: readonly string[], defaults: number[]) => {
    const at = field(slot);
    if (at === 0) return Object.fromEntries(keys.map((k, i) => [k, defaults[i]!]));
    const sub = b.table(b.deref(at));
    return Object.fromEntries(
      keys.map((k, i) => {
        const p = sub(i);
        return [k, p === 0 ? defaults[i]! : b.f64(p)];
      }),
    );
  };
  return {
    position: doubles(0, ["x", "y", "z"], [0, 0, 0]) as Pose["position"],
    orientation: doubles(1, ["x", "y", "z", "w"], [0, 0, 0, 1]) as Pose["orientation"],
  };
}

/**
 * Decodes a FlatBuffer `foxglove.PointCloud` with a verifying reader: every offset is checked
 * against the buffer. Slots: timestamp 0 (inline `Time{u32 sec, u32 nsec}`), frame_id 1, pose 2,
 * point_stride 3, fields 4, data 5; `PointCloudField{name 0, offset 1, type 2 (u8)}`;
 * `Quaternion.w` defaults to 1. Throws an Error on malformed input.
 */
export function readFlatBufferPointCloud(bytes: Uint8Array): PointCloudData {
  const b = new Buf(bytes);
  const field = b.table(b.deref(0));
  const cloud: PointCloudData = {
    frame_id: "",
    point_stride: 0,
    fields: [],
    data: new Uint8Array(),
  };
  const ts = field(0);
  if (ts !== 0) cloud.timestamp = { sec: b.u32(ts), nsec: b.u32(ts + 4) };
  const frameId = field(1);
  if (frameId !== 0) cloud.frame_id = b.string(frameId);
  const pose = field(2);
  if (pose !== 0) cloud.pose = readPose(b, b.deref(pose));
  const stride = field(3);
  if (stride !== 0) cloud.point_stride = b.u32(stride);
  const fields = field(4);
  if (fields !== 0) {
    const { start, length } = b.vector(fields, 4);
    for (let i = 0; i < length; i++) {
      const f = b.table(b.deref(start + 4 * i));
      const name = f(0);
      const offset = f(1);
      const type = f(2);
      const out: PointCloudField = {
        name: name === 0 ? "" : b.string(name),
        offset: offset === 0 ? 0 : b.u32(offset),
        type: type === 0 ? 0 : b.u8(type),
      };
      cloud.fields.push(out);
    }
  }
  const data = field(5);
  if (data !== 0) {
    const { start, length } = b.vector(data, 1);
    cloud.data = bytes.subarray(start, start + length);
  }
  return cloud;
}
