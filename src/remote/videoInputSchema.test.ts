import assert from "node:assert/strict";
import { test } from "node:test";
import { testChannel } from "./testing/testChannel.js";
import { videoInputSchema } from "./videoInputSchema.js";

const detect = (messageEncoding: string, schemaName: string) =>
  videoInputSchema(testChannel(1, "/t", { messageEncoding, schemaName }));

test("protobuf Foxglove images are video-capable", () => {
  assert.deepEqual(detect("protobuf", "foxglove.CompressedImage"), {
    decoder: "protobuf",
    image: "compressed",
  });
  assert.deepEqual(detect("protobuf", "foxglove.RawImage"), { decoder: "protobuf", image: "raw" });
});

test("ROS 1 and ROS 2 images are video-capable", () => {
  assert.deepEqual(detect("ros1", "sensor_msgs/CompressedImage")?.decoder, "ros1");
  assert.deepEqual(detect("ros1", "sensor_msgs/Image")?.image, "raw");
  assert.deepEqual(detect("cdr", "sensor_msgs/msg/CompressedImage"), {
    decoder: "ros2",
    image: "compressed",
  });
  assert.deepEqual(detect("cdr", "sensor_msgs/msg/Image"), { decoder: "ros2", image: "raw" });
});

test("JSON, FlatBuffer and OMG IDL Foxglove images are video-capable", () => {
  for (const [enc, prefix, decoder] of [
    ["json", "foxglove.", "json"],
    ["flatbuffer", "foxglove.", "flatbuffer"],
    ["cdr", "foxglove::", "omgidl"],
  ] as const) {
    assert.equal(detect(enc, `${prefix}CompressedImage`)?.decoder, decoder);
    assert.equal(detect(enc, `${prefix}RawImage`)?.image, "raw");
  }
});

test("other schemas, encodings and schemaless channels are not video", () => {
  assert.equal(detect("json", "my.Image"), undefined);
  assert.equal(detect("protobuf", "foxglove.Pose"), undefined);
  assert.equal(detect("protobuf", "foxglove.CompressedVideo"), undefined);
  assert.equal(detect("ros1", "sensor_msgs/msg/Image"), undefined);
  assert.equal(detect("cdr", "foxglove.RawImage"), undefined);
  assert.equal(videoInputSchema(testChannel(2)), undefined);
});
