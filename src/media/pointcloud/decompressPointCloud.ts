import { FoxgloveError } from "../../core/FoxgloveError.js";
import { decodeDraco } from "./decodeDraco.js";
import type { DracoDecoderModule } from "./dracoModules.js";
import type { PointCloudData } from "./PointCloudData.js";
import { readProtobufCompressedPointCloud } from "./readProtobufPointCloud.js";

/**
 * Turns a protobuf `foxglove.CompressedPointCloud` (format `draco`) back into a point cloud:
 * timestamp, frame and pose copied, points decoded (float32 x, y, z first, then every other
 * field; the kd-tree method reorders points). Throws `ERR_DECODE` for malformed input or another
 * format.
 */
export function decompressPointCloud(draco: DracoDecoderModule, bytes: Uint8Array): PointCloudData {
  let compressed;
  try {
    compressed = readProtobufCompressedPointCloud(bytes);
  } catch (error) {
    throw new FoxgloveError("ERR_DECODE", "invalid CompressedPointCloud message", { cause: error });
  }
  if (compressed.format !== "draco") {
    throw new FoxgloveError(
      "ERR_DECODE",
      `unsupported point cloud format ${JSON.stringify(compressed.format)} (only draco)`,
    );
  }
  const points = decodeDraco(draco, compressed.data);
  const cloud: PointCloudData = { frame_id: compressed.frame_id, ...points };
  if (compressed.timestamp !== undefined) cloud.timestamp = compressed.timestamp;
  if (compressed.pose !== undefined) cloud.pose = compressed.pose;
  return cloud;
}
