// Which channels carry compressible point clouds, by message encoding and schema name. Kept apart
// from the transcoder (which runs in a worker thread) so that the gateway's main thread, which only
// classifies channels, does not load the decoders and the message encoders.

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

/** What an input is called in error texts, e.g. `ROS 2 PointCloud2`. */
export function pointCloudInputName(format: PointCloudInputFormat): string {
  return INPUTS[format].what;
}
