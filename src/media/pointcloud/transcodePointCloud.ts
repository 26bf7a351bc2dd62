import type { Pose } from "@foxglove/schemas";
import { FoxgloveError } from "../../core/FoxgloveError.js";
import { CompressedPointCloud } from "../../messages/index.js";
import type { DracoEncoderModule } from "./dracoModules.js";
import { encodeDraco, type DracoEncodeOptions } from "./encodeDraco.js";
import { convertPointCloud2 } from "./PointCloud2.js";
import type { PointCloudData } from "./PointCloudData.js";
import { pointCloudInputName, type PointCloudInputFormat } from "./pointCloudInputFormat.js";
import { prepareForDraco } from "./prepareForDraco.js";
import { readFlatBufferPointCloud } from "./readFlatBufferPointCloud.js";
import { readJsonPointCloud } from "./readJsonPointCloud.js";
import { readCdrPointCloud2, readRos1PointCloud2 } from "./readPointCloud2.js";
import { readProtobufPointCloud } from "./readProtobufPointCloud.js";

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
      `failed to decode ${pointCloudInputName(format)} message: ${reason(error)}`,
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
