import type { ChannelDescriptor } from "../core/ChannelDescriptor.js";

/** How a video-capable channel's messages are decoded. */
export type VideoDecoder = "protobuf" | "ros1" | "ros2" | "json" | "flatbuffer" | "omgidl";

/** A video-capable channel's input: its decoder and whether images are compressed or raw. */
export interface VideoInputSchema {
  readonly decoder: VideoDecoder;
  readonly image: "compressed" | "raw";
}

const TABLE: Readonly<Record<string, VideoInputSchema>> = {
  "protobuf foxglove.CompressedImage": { decoder: "protobuf", image: "compressed" },
  "protobuf foxglove.RawImage": { decoder: "protobuf", image: "raw" },
  "ros1 sensor_msgs/CompressedImage": { decoder: "ros1", image: "compressed" },
  "ros1 sensor_msgs/Image": { decoder: "ros1", image: "raw" },
  "cdr sensor_msgs/msg/CompressedImage": { decoder: "ros2", image: "compressed" },
  "cdr sensor_msgs/msg/Image": { decoder: "ros2", image: "raw" },
  "json foxglove.CompressedImage": { decoder: "json", image: "compressed" },
  "json foxglove.RawImage": { decoder: "json", image: "raw" },
  "flatbuffer foxglove.CompressedImage": { decoder: "flatbuffer", image: "compressed" },
  "flatbuffer foxglove.RawImage": { decoder: "flatbuffer", image: "raw" },
  "cdr foxglove::CompressedImage": { decoder: "omgidl", image: "compressed" },
  "cdr foxglove::RawImage": { decoder: "omgidl", image: "raw" },
};

/**
 * The video input schema of `channel`, detected by exact (message encoding, schema name), or
 * undefined when the channel is not video-capable (e.g. `foxglove.CompressedVideo`, no schema).
 */
export function videoInputSchema(channel: ChannelDescriptor): VideoInputSchema | undefined {
  const name = channel.schema?.name;
  return name === undefined ? undefined : TABLE[`${channel.messageEncoding} ${name}`];
}
