import protobuf from "protobufjs/minimal.js";
import type { Pose, Time } from "@foxglove/schemas";
import type { PointCloudData, PointCloudField } from "./PointCloudData.js";

type Reader = protobuf.Reader;

function readSubmessage<T>(r: Reader, read: (r: Reader, end: number) => T): T {
  const end = r.uint32() + r.pos;
  if (end > r.len) {
    throw new RangeError("submessage runs past the end of the buffer");
  }
  return read(r, end);
}

function readTime(r: Reader, end: number): Time {
  const t = { sec: 0, nsec: 0 };
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 8) t.sec = Number(r.int64());
    else if (tag === 16) t.nsec = r.int32();
    else r.skipType(tag & 7);
  }
  return t;
}

function readDoubles<K extends string>(keys: readonly K[], initial: Record<K, number>) {
  return (r: Reader, end: number): Record<K, number> => {
    const out = { ...initial };
    while (r.pos < end) {
      const tag = r.uint32();
      const key = keys[(tag >>> 3) - 1];
      if (key !== undefined && (tag & 7) === 1) out[key] = r.double();
      else r.skipType(tag & 7);
    }
    return out;
  };
}

const readVector3 = readDoubles(["x", "y", "z"], { x: 0, y: 0, z: 0 });
const readQuaternion = readDoubles(["x", "y", "z", "w"], { x: 0, y: 0, z: 0, w: 0 });

function readPose(r: Reader, end: number): Pose {
  const pose: Pose = { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 0 } };
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) pose.position = readSubmessage(r, readVector3);
    else if (tag === 18) pose.orientation = readSubmessage(r, readQuaternion);
    else r.skipType(tag & 7);
  }
  return pose;
}

function readField(r: Reader, end: number): PointCloudField {
  const f: PointCloudField = { name: "", offset: 0, type: 0 };
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) f.name = r.string();
    else if (tag === 21) f.offset = r.fixed32();
    else if (tag === 24) f.type = r.int32();
    else r.skipType(tag & 7);
  }
  return f;
}

/** The header both messages share (fields 1–3); the rest is read by `other`. */
interface Header {
  timestamp?: Time;
  frame_id: string;
  pose?: Pose;
}

/** Reads a message whose fields 1–3 are timestamp, frame_id and pose; `other` reads the rest. */
function readMessage<T extends Header>(
  bytes: Uint8Array,
  out: T,
  other: (r: Reader, tag: number, out: T) => boolean,
): T {
  const r = protobuf.Reader.create(bytes);
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === 10) out.timestamp = readSubmessage(r, readTime);
    else if (tag === 18) out.frame_id = r.string();
    else if (tag === 26) out.pose = readSubmessage(r, readPose);
    else if (!other(r, tag, out)) r.skipType(tag & 7);
  }
  return out;
}

/**
 * Decodes a protobuf `foxglove.PointCloud`. Unknown fields are skipped; `data` is a view into
 * `bytes`. Throws (a plain Error from the reader) on malformed input.
 */
export function readProtobufPointCloud(bytes: Uint8Array): PointCloudData {
  const empty: PointCloudData = {
    frame_id: "",
    point_stride: 0,
    fields: [],
    data: new Uint8Array(),
  };
  return readMessage(bytes, empty, (r, tag, cloud) => {
    if (tag === 37) cloud.point_stride = r.fixed32();
    else if (tag === 42) cloud.fields.push(readSubmessage(r, readField));
    else if (tag === 50) cloud.data = r.bytes();
    else return false;
    return true;
  });
}

/** A decoded protobuf `foxglove.CompressedPointCloud`. */
export interface CompressedPointCloudData extends Header {
  /** The compressed points (a Draco bitstream when `format` is `draco`). */
  data: Uint8Array;
  format: string;
}

/** Decodes a protobuf `foxglove.CompressedPointCloud`; throws on malformed input. */
export function readProtobufCompressedPointCloud(bytes: Uint8Array): CompressedPointCloudData {
  const empty: CompressedPointCloudData = { frame_id: "", data: new Uint8Array(), format: "" };
  return readMessage(bytes, empty, (r, tag, cloud) => {
    if (tag === 34) cloud.data = r.bytes();
    else if (tag === 42) cloud.format = r.string();
    else return false;
    return true;
  });
}
