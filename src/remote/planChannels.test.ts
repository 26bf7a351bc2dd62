import assert from "node:assert/strict";
import { test } from "node:test";
import { setLogger } from "../core/logger.js";
import { planChannels } from "./planChannels.js";
import type { ChannelDescriptor } from "../core/ChannelDescriptor.js";
import { testChannel } from "./testing/testChannel.js";

const warnings: unknown[][] = [];
setLogger({
  debug: () => undefined,
  info: () => undefined,
  warn: (...a: unknown[]) => warnings.push(a),
  error: (...a: unknown[]) => warnings.push(a),
});

const image = testChannel(1, "/cam", { schemaName: "foxglove.CompressedImage" });
const json = testChannel(2, "/json");
const pose = testChannel(3, "/pose", { schemaName: "foxglove.Pose" });

test("without hooks every channel is advertised lossy, video detected", () => {
  const { accepted, skipped } = planChannels([image, json, pose]);
  assert.deepEqual(skipped, []);
  assert.deepEqual(
    accepted.map((p) => [p.channel.id, p.reliability, p.videoSchema?.image]),
    [
      [1, "lossy", "compressed"],
      [2, "lossy", undefined],
      [3, "lossy", undefined],
    ],
  );
});

test("the classifier chooses reliable; a throwing classifier means lossy", () => {
  const { accepted } = planChannels([json, pose], {
    qosClassifier: (c) => {
      if (c.id === 3) {
        throw new Error("boom");
      }
      return { reliability: "reliable" };
    },
  });
  assert.deepEqual(
    accepted.map((p) => p.reliability),
    ["reliable", "lossy"],
  );
});

test("video-capable channels are forced lossy over a reliable classifier, with a warning", () => {
  warnings.length = 0;
  const { accepted } = planChannels([image], {
    qosClassifier: () => ({ reliability: "reliable" }),
  });
  assert.equal(accepted[0]?.reliability, "lossy");
  assert.match(String(warnings[0]?.[1]), /Reliable delivery is not supported for video/);
});

test("suppression advertises a video-capable channel as plain data (and may then be reliable)", () => {
  const { accepted } = planChannels([image], {
    suppressVideoTranscode: (c) => c.topic === "/cam",
    qosClassifier: () => ({ reliability: "reliable" }),
  });
  assert.equal(accepted[0]?.videoSchema, undefined);
  assert.equal(accepted[0]?.reliability, "reliable");
  const kept = planChannels([image], { suppressVideoTranscode: () => false });
  assert.equal(kept.accepted[0]?.videoSchema?.decoder, "protobuf");
});

test("channels needing a schema without one, or with a non-UTF-8 text schema, are skipped", () => {
  const noSchema = (enc: string, id: number) => ({ ...testChannel(id), messageEncoding: enc });
  const badText: ChannelDescriptor = {
    ...testChannel(9),
    schema: { name: "X", encoding: "jsonschema", data: new Uint8Array([0xff, 0xfe]) },
  };
  const binary: ChannelDescriptor = {
    ...testChannel(10, "/bin", { schemaName: "P" }),
    schema: { name: "P", encoding: "protobuf", data: new Uint8Array([0xff, 0xfe]) },
  };
  const { accepted, skipped } = planChannels([
    noSchema("protobuf", 4),
    noSchema("flatbuffer", 5),
    noSchema("ros1", 6),
    noSchema("cdr", 7),
    noSchema("json", 8),
    badText,
    binary,
  ]);
  assert.deepEqual(
    skipped.map((s) => s.channel.id),
    [4, 5, 6, 7, 9],
  );
  assert.match(skipped[0]!.reason, /requires a schema/);
  assert.match(skipped[4]!.reason, /UTF-8/);
  assert.deepEqual(
    accepted.map((p) => [p.channel.id, p.schemaText]),
    [
      [8, ""],
      [10, "//4="],
    ],
  );
});
