import type { Pose } from "@foxglove/schemas";
import { FoxgloveError } from "../../core/FoxgloveError.js";
import { CompressedPointCloud } from "../../messages/index.js";
import type { DracoEncoderModule } from "./dracoModules.js";
import { encodeDraco, type DracoEncodeOptions } from "./encodeDraco.js";
import { convertPointCloud2 } from "./PointCloud2.js";
import type { PointCloudData } from "./PointCloudData.js";
import { prepareForDraco } from "./prepareForDraco.js";
import { readFlatBufferPointCloud } from "./readFlatBufferPointCloud.js";
import { readJsonPointCloud } from "./readJsonPointCloud.js";
import { readCdrPointCloud2, readRos1PointCloud2 } from "./readPointCloud2.js";
import { readProtobufPointCloud } from "./readProtobufPointCloud.js";

/** The point-cloud inputs that can be compressed (delta 3.1). */
export type PointCloudInputFormat = "protobuf" | "json" | "flatbuffer" | "ros2" | "ros1";

const INPUTS: Record<PointCloudInputFormat, { encoding: string; schema: string; what: string }> = {
  protobuf: { encoding: "protobuf", schema: "foxglove.PointCloud", what: "PointCloud" },
  json: { encoding: "json", schema: "foxglove.PointCloud", what: "JSON PointCloud" },
  flatbuffer: {
    encoding: "flatbuffer",
    schema: "foxglove.PointCloud",
    what: "FlatBuffer PointCloud",
  },
  ros2: { encoding: "cdr", schema: "sensor_msgs/msg/PointCloud2", what: "ROS 2 PointCloud2" },
  ros1: { encoding: "ros1", schema: "sensor_msgs/PointCloud2", what: "ROS 1 PointCloud2" },
};

/**
 * The input format of a channel by its message encoding and schema name only (the schema
 * encoding is ignored; mismatched pairs such as `ros1` + `sensor_msgs/msg/PointCloud2` are not
 * point clouds). `undefined` for every other channel, including `foxglove.CompressedPointCloud`.
 */
export function pointCloudInputFormat(
  messageEncoding: string,
  schemaName: string | undefined,
): PointCloudInputFormat | undefined {
  for (const [format, input] of Object.entries(INPUTS)) {
    if (input.encoding === messageEncoding && input.schema === schemaName) {
      return format as PointCloudInputFormat;
    }
  }
  return undefined;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Decodes one message of `format` into a `foxglove.PointCloud` (PointCloud2 converted per
 * session.md 8.5). Throws `ERR_DECODE` with the reference's text, e.g.
 * `failed to decode ROS 2 PointCloud2 message: big-endian point clouds are not supported`.
 */
export function decodePointCloudInput(
  format: PointCloudInputFormat,
  bytes: Uint8Array,
): PointCloudData {
  try {
    switch (format) {
      case "protobuf":
        return readProtobufPointCloud(bytes);
      case "json":
        return readJsonPointCloud(bytes);
      case "flatbuffer":
        return readFlatBufferPointCloud(bytes);
      case "ros2":
        return convertPointCloud2(readCdrPointCloud2(bytes));
      case "ros1":
        return convertPointCloud2(readRos1PointCloud2(bytes));
    }
  } catch (error) {
    throw new FoxgloveError(
      "ERR_DECODE",
      `failed to decode ${INPUTS[format].what} message: ${reason(error)}`,
      { cause: error },
    );
  }
}

/**
 * One message through the whole pipeline (session.md 8.4): decode, drop irrelevant fields,
 * retype packed colors, narrow float64, drop non-finite points, Draco-encode, and wrap as a
 * protobuf `foxglove.CompressedPointCloud` {timestamp, frame_id, pose copied; format `draco`}.
 * Throws a FoxgloveError whose message is the warning text's reason.
 */
export function transcodePointCloud(
  draco: DracoEncoderModule,
  format: PointCloudInputFormat,
  bytes: Uint8Array,
  options?: DracoEncodeOptions,
): Uint8Array {
  const cloud = prepareForDraco(decodePointCloudInput(format, bytes));
  const data = encodeDraco(draco, cloud, options);
  return CompressedPointCloud.encode({
    timestamp: cloud.timestamp!,
    frame_id: cloud.frame_id,
    pose: cloud.pose as Pose,
    data,
    format: "draco",
  });
}
