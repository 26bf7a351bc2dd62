import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ChannelDescriptor } from "../../core/ChannelDescriptor.js";
import { decodeSchemaText } from "../../protocol/schemaText.js";
import type { AdvertisedChannel } from "../../protocol/ServerJsonMessage.js";
import { CompressedPointCloud } from "../../messages/index.js";
import {
  resolvePointCloudCompression,
  rewritePointCloudAdvertisement,
  type PointCloudCompressionPolicy,
} from "./pointCloudCompression.js";

const channel = (
  id: number,
  encoding = "protobuf",
  schema = "foxglove.PointCloud",
): ChannelDescriptor => ({
  id,
  topic: `/cloud${id}`,
  messageEncoding: encoding,
  schema: { name: schema, encoding: "protobuf", data: new Uint8Array([1]) },
  metadata: {},
});

describe("point-cloud compression policy (point_cloud_compression.rs tests)", () => {
  test("compresses with defaults when no policy is set", () => {
    assert.deepEqual(resolvePointCloudCompression(channel(1), false), {
      format: "protobuf",
      options: { method: "kdTree", quantizationBits: 12 },
    });
    assert.equal(
      resolvePointCloudCompression(channel(2, "json", "foxglove.Pose"), false),
      undefined,
    );
  });

  test("resolves compression per channel (opt-out and per-channel options)", () => {
    const seen: number[] = [];
    const policy: PointCloudCompressionPolicy = (c) => {
      seen.push(c.id);
      return c.id === 1
        ? false
        : c.id === 2
          ? { quantizationBits: 10 }
          : c.id === 3
            ? true
            : undefined;
    };
    assert.equal(resolvePointCloudCompression(channel(1), false, policy), undefined);
    assert.deepEqual(
      resolvePointCloudCompression(channel(2, "cdr", "sensor_msgs/msg/PointCloud2"), false, policy),
      {
        format: "ros2",
        options: { method: "kdTree", quantizationBits: 10 },
      },
    );
    assert.equal(
      resolvePointCloudCompression(channel(3), false, policy)?.options.quantizationBits,
      12,
    );
    assert.equal(resolvePointCloudCompression(channel(4), false, policy), undefined);
    assert.deepEqual(seen, [1, 2, 3, 4]);
    assert.equal(resolvePointCloudCompression(channel(5), false, false), undefined);
    assert.deepEqual(
      resolvePointCloudCompression(channel(6), false, { method: "sequential" })?.options,
      {
        method: "sequential",
        quantizationBits: 12,
      },
    );
  });

  test("skips compression when QoS is reliable (the policy is never called)", () => {
    let called = false;
    const policy = () => {
      called = true;
      return true;
    };
    assert.equal(resolvePointCloudCompression(channel(1), true, policy), undefined);
    assert.equal(called, false);
  });

  test("skips compression for lossless options; a failing policy or bad options give defaults", () => {
    assert.equal(
      resolvePointCloudCompression(channel(1), false, { quantizationBits: 0 }),
      undefined,
    );
    const throwing = () => {
      throw new Error("boom");
    };
    assert.equal(
      resolvePointCloudCompression(channel(2), false, throwing)?.options.quantizationBits,
      12,
    );
    assert.equal(
      resolvePointCloudCompression(channel(3), false, { quantizationBits: 31 })?.options
        .quantizationBits,
      12,
    );
  });
});

describe("advertisement rewrite (channel_registry.rs rewrite tests)", () => {
  const ros: AdvertisedChannel = {
    id: 7,
    topic: "/points",
    encoding: "cdr",
    schemaName: "sensor_msgs/msg/PointCloud2",
    schemaEncoding: "ros2msg",
    schema: "uint32 height",
    metadata: { "foxglove.reliable": "false" },
  };

  test("replaces the schema and flips a cdr channel to protobuf; id, topic and metadata kept", () => {
    const out = rewritePointCloudAdvertisement(ros);
    assert.equal(out.id, 7);
    assert.equal(out.topic, "/points");
    assert.equal(out.encoding, "protobuf");
    assert.equal(out.schemaName, "foxglove.CompressedPointCloud");
    assert.equal(out.schemaEncoding, "protobuf");
    assert.deepEqual(decodeSchemaText("protobuf", out.schema), CompressedPointCloud.schema!.data);
    assert.deepEqual(out.metadata, {
      "foxglove.reliable": "false",
      "foxglove.originalSchemaName": "sensor_msgs/msg/PointCloud2",
    });
    assert.equal(ros.encoding, "cdr", "the input is not modified");
  });

  test("every compressed channel gets the identical schema (deduplicated by schema tables)", () => {
    const a = rewritePointCloudAdvertisement(ros);
    const b = rewritePointCloudAdvertisement({
      ...ros,
      id: 8,
      encoding: "protobuf",
      schemaName: "foxglove.PointCloud",
    });
    assert.equal(a.schema, b.schema);
  });
});
