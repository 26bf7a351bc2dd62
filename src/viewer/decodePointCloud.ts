import type { PointCloud } from "@foxglove/schemas";
import {
  decompressPointCloud,
  loadDracoDecoder,
  type PointCloudData,
} from "../media/pointcloud/index.js";
import { ChannelMetadataKey } from "../protocol/index.js";
import type { ViewerChannel } from "./ViewerChannel.js";
import type { ViewerMessage } from "./ViewerMessage.js";

/**
 * True for a channel the device compressed for remote viewers: protobuf
 * `foxglove.CompressedPointCloud` whose advertisement names the original schema
 * (`foxglove.originalSchemaName`). Such messages decode with {@link decodePointCloud}.
 */
export function isCompressedPointCloudChannel(channel: ViewerChannel): boolean {
  return (
    channel.messageEncoding === "protobuf" &&
    channel.schemaName === "foxglove.CompressedPointCloud" &&
    channel.metadata[ChannelMetadataKey.OriginalSchemaName] !== undefined
  );
}

const IDENTITY: PointCloud["pose"] = {
  position: { x: 0, y: 0, z: 0 },
  orientation: { x: 0, y: 0, z: 0, w: 1 },
};

/**
 * Decodes a protobuf `foxglove.CompressedPointCloud` message (format `draco`) back into a
 * `foxglove.PointCloud` (encode it with `PointCloud` from `foxglove-remote/messages` for the
 * protobuf bytes). Positions come back as float32 `x`, `y`, `z` within the quantization error,
 * the other fields in their types, each point once (the kd-tree method reorders points); an
 * absent pose is the identity, an absent timestamp 0. Loads Google's Draco decoder
 * (WebAssembly) on first use. Throws `ERR_DECODE` for anything else.
 */
export async function decodePointCloud(message: ViewerMessage | Uint8Array): Promise<PointCloud> {
  const bytes = message instanceof Uint8Array ? message : message.data;
  const cloud: PointCloudData = decompressPointCloud(await loadDracoDecoder(), bytes);
  return {
    timestamp: cloud.timestamp ?? { sec: 0, nsec: 0 },
    frame_id: cloud.frame_id,
    pose: cloud.pose ?? IDENTITY,
    point_stride: cloud.point_stride,
    fields: cloud.fields,
    data: cloud.data,
  };
}
