import type { Pose, Time } from "@foxglove/schemas";

/** A per-point field of a {@link PointCloudData}. */
export interface PointCloudField {
  name: string;
  /** Byte offset in a point. */
  offset: number;
  /** A `foxglove.NumericType` value (1 uint8 … 8 float64; anything else is unknown). */
  type: number;
}

/**
 * A decoded `foxglove.PointCloud` as the point-cloud pipeline handles it: the message's fields in
 * their schema names, with `timestamp` and `pose` absent when the source had none (ROS clouds
 * have no pose). `data` holds `data.length / point_stride` little-endian points.
 */
export interface PointCloudData {
  timestamp?: Time;
  frame_id: string;
  pose?: Pose;
  /** Bytes per point. */
  point_stride: number;
  /** Per-point fields. */
  fields: PointCloudField[];
  data: Uint8Array;
}

/** `foxglove.NumericType` values. */
export const NumericType = {
  UINT8: 1,
  INT8: 2,
  UINT16: 3,
  INT16: 4,
  UINT32: 5,
  INT32: 6,
  FLOAT32: 7,
  FLOAT64: 8,
} as const;

const SIZES = [0, 1, 1, 2, 2, 4, 4, 4, 8];
const NAMES = [
  "UNKNOWN",
  "UINT8",
  "INT8",
  "UINT16",
  "INT16",
  "UINT32",
  "INT32",
  "FLOAT32",
  "FLOAT64",
];

/** Byte size of a `foxglove.NumericType`, or 0 when the type is unknown. */
export function numericTypeSize(type: number): number {
  return Number.isInteger(type) && type >= 1 && type <= 8 ? SIZES[type]! : 0;
}

/** The name of a `foxglove.NumericType` (`FLOAT32`), or `undefined` when unknown. */
export function numericTypeName(type: number): string | undefined {
  return numericTypeSize(type) > 0 ? NAMES[type] : undefined;
}

/** The value of a `foxglove.NumericType` name, or `undefined` when unknown. */
export function numericTypeFromName(name: string): number | undefined {
  const i = NAMES.indexOf(name);
  return i > 0 ? i : undefined;
}

/** Reads one scalar of `type` at `offset` as a number (little endian). */
export function readScalar(view: DataView, offset: number, type: number): number {
  switch (type) {
    case 1:
      return view.getUint8(offset);
    case 2:
      return view.getInt8(offset);
    case 3:
      return view.getUint16(offset, true);
    case 4:
      return view.getInt16(offset, true);
    case 5:
      return view.getUint32(offset, true);
    case 6:
      return view.getInt32(offset, true);
    case 7:
      return view.getFloat32(offset, true);
    case 8:
      return view.getFloat64(offset, true);
    default:
      return 0;
  }
}

/** A DataView over exactly `bytes`. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
