// Point-cloud fixtures and independent serializers (FlatBuffers' own builder, Foxglove's ROS 1
// and ROS 2 writers, our protobuf encoder) for the point-cloud tests. Test-only.
import { Builder } from "flatbuffers";
import common from "@foxglove/rosmsg-msgs-common";
import { MessageWriter as Ros1Writer } from "@foxglove/rosmsg-serialization";
import { MessageWriter as Ros2Writer } from "@foxglove/rosmsg2-serialization";
import type { Pose } from "@foxglove/schemas";
import { PointCloud as PointCloudEncoder } from "../../../messages/index.js";
import type { PointCloud2, PointField } from "../PointCloud2.js";
import { numericTypeName, type PointCloudData, type PointCloudField } from "../PointCloudData.js";

/** `x`, `y`, `z` float32 PointFields at 0, 4, 8 (ROS datatype 7). */
export function xyzPointFields(): PointField[] {
  return ["x", "y", "z"].map((name, i) => ({ name, offset: 4 * i, datatype: 7, count: 1 }));
}

/** Little-endian float32 bytes of the given xyz points. */
export function xyzBytes(points: readonly (readonly number[])[]): Uint8Array {
  return new Uint8Array(new Float32Array(points.flat()).buffer);
}

/** A single-row float32 xyz PointCloud2 (stamp 12 s 34 ns, frame `lidar`). */
export function makePointCloud2(points: readonly (readonly number[])[]): PointCloud2 {
  return {
    timestamp: { sec: 12, nsec: 34 },
    frame_id: "lidar",
    height: 1,
    width: points.length,
    fields: xyzPointFields(),
    is_bigendian: false,
    point_step: 12,
    row_step: 12 * points.length,
    data: xyzBytes(points),
  };
}

/** Builds a cloud of `n` points from per-field writers; fields are packed in the given layout. */
export function makeCloud(
  stride: number,
  fields: readonly PointCloudField[],
  n: number,
  write: (view: DataView, base: number, point: number) => void,
): PointCloudData {
  const data = new Uint8Array(n * stride);
  const view = new DataView(data.buffer);
  for (let p = 0; p < n; p++) write(view, p * stride, p);
  return {
    timestamp: { sec: 5, nsec: 6 },
    frame_id: "map",
    point_stride: stride,
    fields: [...fields],
    data,
  };
}

/** float32 x, y, z fields at 0, 4, 8. */
export const XYZ: readonly PointCloudField[] = [
  { name: "x", offset: 0, type: 7 },
  { name: "y", offset: 4, type: 7 },
  { name: "z", offset: 8, type: 7 },
];

/** A pose with distinct values. */
export const POSE: Pose = {
  position: { x: 1, y: 2, z: 3 },
  orientation: { x: 0, y: 0, z: 0.6, w: 0.8 },
};

/** Protobuf `foxglove.PointCloud` bytes of `cloud`. */
export function protobufCloud(cloud: PointCloudData): Uint8Array {
  return PointCloudEncoder.encode({
    timestamp: cloud.timestamp ?? { sec: 0, nsec: 0 },
    frame_id: cloud.frame_id,
    pose: cloud.pose as Pose,
    point_stride: cloud.point_stride,
    fields: cloud.fields,
    data: cloud.data,
  });
}

/** JSON `foxglove.PointCloud` bytes of `cloud` (Foxglove conventions: enum names, base64). */
export function jsonCloud(cloud: PointCloudData): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({
      timestamp: cloud.timestamp,
      frame_id: cloud.frame_id,
      pose: cloud.pose,
      point_stride: cloud.point_stride,
      fields: cloud.fields.map((f) => ({ ...f, type: numericTypeName(f.type) ?? f.type })),
      data: Buffer.from(cloud.data).toString("base64"),
    }),
  );
}

/** FlatBuffer `foxglove.PointCloud` bytes of `cloud`, built with the `flatbuffers` package. */
export function flatBufferCloud(cloud: PointCloudData, omitOrientationW = false): Uint8Array {
  const b = new Builder(256);
  const frame = b.createString(cloud.frame_id);
  const fieldOffsets = cloud.fields.map((f) => {
    const name = b.createString(f.name);
    b.startObject(3);
    b.addFieldOffset(0, name, 0);
    b.addFieldInt32(1, f.offset, 0);
    b.addFieldInt8(2, f.type, 0);
    return b.endObject();
  });
  b.startVector(4, fieldOffsets.length, 4);
  for (const o of [...fieldOffsets].reverse()) b.addOffset(o);
  const fields = b.endVector();
  const data = b.createByteVector(cloud.data);
  let pose = 0;
  if (cloud.pose !== undefined) {
    const { position: p, orientation: q } = cloud.pose;
    b.startObject(3);
    b.addFieldFloat64(0, p.x, 0);
    b.addFieldFloat64(1, p.y, 0);
    b.addFieldFloat64(2, p.z, 0);
    const position = b.endObject();
    b.startObject(4);
    b.addFieldFloat64(0, q.x, 0);
    b.addFieldFloat64(1, q.y, 0);
    b.addFieldFloat64(2, q.z, 0);
    if (!omitOrientationW) b.addFieldFloat64(3, q.w, 1);
    const orientation = b.endObject();
    b.startObject(2);
    b.addFieldOffset(0, position, 0);
    b.addFieldOffset(1, orientation, 0);
    pose = b.endObject();
  }
  b.startObject(6);
  if (cloud.timestamp !== undefined) {
    b.prep(4, 8);
    b.writeInt32(cloud.timestamp.nsec);
    b.writeInt32(cloud.timestamp.sec);
    b.addFieldStruct(0, b.offset(), 0);
  }
  b.addFieldOffset(1, frame, 0);
  if (pose !== 0) b.addFieldOffset(2, pose, 0);
  b.addFieldInt32(3, cloud.point_stride, 0);
  b.addFieldOffset(4, fields, 0);
  b.addFieldOffset(5, data, 0);
  b.finish(b.endObject());
  return b.asUint8Array();
}

interface RosCloudMessage {
  header: { seq?: number; stamp: object; frame_id: string };
  height: number;
  width: number;
  fields: PointField[];
  is_bigendian: boolean;
  point_step: number;
  row_step: number;
  data: Uint8Array;
  is_dense: boolean;
}

function rosMessage(cloud: PointCloud2, stamp: object): RosCloudMessage {
  return {
    header: { seq: 7, stamp, frame_id: cloud.frame_id },
    height: cloud.height,
    width: cloud.width,
    fields: cloud.fields,
    is_bigendian: cloud.is_bigendian,
    point_step: cloud.point_step,
    row_step: cloud.row_step,
    data: cloud.data,
    is_dense: false,
  };
}

const ros2 = common.ros2humble as Record<
  string,
  ConstructorParameters<typeof Ros2Writer>[0][number]
>;
const ros1 = common.ros1 as Record<string, ConstructorParameters<typeof Ros1Writer>[0][number]>;

/** CDR bytes of a ROS 2 `sensor_msgs/msg/PointCloud2`. */
export function cdrCloud(cloud: PointCloud2): Uint8Array {
  const writer = new Ros2Writer(
    [
      "sensor_msgs/PointCloud2",
      "std_msgs/Header",
      "sensor_msgs/PointField",
      "builtin_interfaces/Time",
    ].map((n) => ros2[n]!),
  );
  return writer.writeMessage(
    rosMessage(cloud, { sec: cloud.timestamp.sec, nanosec: cloud.timestamp.nsec }),
  );
}

/** ROS 1 bytes of a `sensor_msgs/PointCloud2`. */
export function ros1Cloud(cloud: PointCloud2): Uint8Array {
  const writer = new Ros1Writer(
    ["sensor_msgs/PointCloud2", "std_msgs/Header", "sensor_msgs/PointField"].map((n) => ros1[n]!),
  );
  return writer.writeMessage(rosMessage(cloud, cloud.timestamp));
}
