import type { Time } from "@foxglove/schemas";
import { NumericType, type PointCloudData, type PointCloudField } from "./PointCloudData.js";

/** A `sensor_msgs/PointField` (ROS 1 and ROS 2 define it alike). */
export interface PointField {
  name: string;
  /** Byte offset in a point. */
  offset: number;
  /** ROS datatype: 1 int8, 2 uint8, 3 int16, 4 uint16, 5 int32, 6 uint32, 7 float32, 8 float64. */
  datatype: number;
  count: number;
}

/** A decoded `sensor_msgs/PointCloud2` with its header already validated (`is_dense` dropped). */
export interface PointCloud2 {
  timestamp: Time;
  frame_id: string;
  height: number;
  width: number;
  fields: PointField[];
  is_bigendian: boolean;
  point_step: number;
  row_step: number;
  data: Uint8Array;
}

/** ROS datatype → `foxglove.NumericType`: the two orders of signed and unsigned differ. */
const ROS_TO_FOXGLOVE: readonly number[] = [
  0,
  NumericType.INT8,
  NumericType.UINT8,
  NumericType.INT16,
  NumericType.UINT16,
  NumericType.INT32,
  NumericType.UINT32,
  NumericType.FLOAT32,
  NumericType.FLOAT64,
];

/** The `foxglove.NumericType` of a ROS `PointField` datatype, or `undefined` outside 1…8. */
export function numericTypeOfRosDatatype(datatype: number): number | undefined {
  return Number.isInteger(datatype) && datatype >= 1 && datatype <= 8
    ? ROS_TO_FOXGLOVE[datatype]
    : undefined;
}

function product(a: number, b: number, overflow: () => Error): number {
  const p = a * b;
  if (!Number.isSafeInteger(p)) throw overflow();
  return p;
}

/**
 * Converts a `PointCloud2` to a `foxglove.PointCloud` (session.md 8.5, delta 3.1). Rejects big
 * endian clouds, fields with count ≠ 1 or an unknown datatype, zero width or height with data,
 * `row_step` below one packed row (height > 1), data shorter than the declared dimensions and
 * dimensions whose products overflow — all checked before any allocation. Padded rows are
 * repacked; a single-row cloud ignores `row_step` and is trimmed to width × height points. No
 * pose; stride = `point_step`. Throws an Error with the reason.
 */
export function convertPointCloud2(cloud: PointCloud2): PointCloudData {
  if (cloud.is_bigendian) {
    throw new Error("big-endian point clouds are not supported");
  }
  const fields: PointCloudField[] = cloud.fields.map((f) => {
    if (f.count !== 1) {
      throw new Error(
        `field ${JSON.stringify(f.name)} has unsupported count ${f.count} (only count 1 is supported)`,
      );
    }
    const type = numericTypeOfRosDatatype(f.datatype);
    if (type === undefined) {
      throw new Error(`field ${JSON.stringify(f.name)} has unknown datatype ${f.datatype}`);
    }
    return { name: f.name, offset: f.offset, type };
  });
  const { width, height, point_step: pointStep, row_step: rowStep, data } = cloud;
  if ((width === 0 || height === 0) && data.length > 0) {
    throw new Error(
      `cloud declares zero points (width ${width}, height ${height}) but carries ${data.length} bytes of data`,
    );
  }
  const overflow = () =>
    new Error(
      `cloud dimensions overflow (width ${width}, height ${height}, point_step ${pointStep}, row_step ${rowStep})`,
    );
  const truncated = (expected: number) =>
    new Error(
      `data length ${data.length} is smaller than the ${expected} bytes implied by the declared dimensions`,
    );
  const rowLength = product(width, pointStep, overflow);
  let packed: Uint8Array;
  if (height > 1 && rowStep !== rowLength) {
    if (rowStep < rowLength) {
      throw new Error(
        `row_step ${rowStep} is smaller than width ${width} x point_step ${pointStep}`,
      );
    }
    const needed = product(height, rowStep, overflow);
    if (data.length < needed) throw truncated(needed);
    packed = new Uint8Array(height * rowLength);
    for (let row = 0; row < height; row++) {
      packed.set(data.subarray(row * rowStep, row * rowStep + rowLength), row * rowLength);
    }
  } else {
    const expected = product(rowLength, height, overflow);
    if (data.length < expected) throw truncated(expected);
    packed = data.subarray(0, expected);
  }
  return {
    timestamp: cloud.timestamp,
    frame_id: cloud.frame_id,
    point_stride: pointStep,
    fields,
    data: packed,
  };
}
