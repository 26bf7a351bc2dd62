import assert from "node:assert/strict";
import { test } from "node:test";
import {
  loadDracoEncoder,
  rewritePointCloudAdvertisement,
  syntheticLidarCloud,
  transcodePointCloud,
} from "../media/pointcloud/index.js";
import { PointCloud } from "../messages/index.js";
import { toViewerChannel } from "../viewer/ViewerChannel.js";
import {
  decodePointCloud,
  isCompressedPointCloudChannel,
  type ViewerMessage,
} from "../viewer/index.js";
import {
  channelJson,
  formatChannelTable,
  formatLogTime,
  formatMessageLine,
  formatStatusLine,
} from "./formatViewerOutput.js";

const json = toViewerChannel({
  id: 3,
  topic: "/imu",
  encoding: "json",
  schemaName: "",
  schema: "",
});
const pb = toViewerChannel({
  id: 4,
  topic: "/gps",
  encoding: "protobuf",
  schemaName: "foxglove.LocationFix",
  schemaEncoding: "protobuf",
  schema: "AA==",
  metadata: { "foxglove.reliable": "true" },
});
const msg = (channel: typeof json, data: Uint8Array): ViewerMessage => ({
  channel,
  logTime: 1_700_000_000_123_456_789n,
  data,
  source: "dataTrack",
});

test("log times print as ISO 8601 with nanoseconds", () => {
  assert.equal(formatLogTime(1_700_000_000_123_456_789n), "2023-11-14T22:13:20.123456789Z");
  assert.equal(formatLogTime(0n), "1970-01-01T00:00:00.000000000Z");
});

test("the channel table aligns columns and names the delivery", () => {
  const lines = formatChannelTable([json, pb]).split("\n");
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /^ID\s+TOPIC\s+ENCODING\s+SCHEMA\s+DELIVERY$/);
  assert.match(lines[1]!, /^3\s+\/imu\s+json\s+-\s+lossy$/);
  assert.match(lines[2]!, /^4\s+\/gps\s+protobuf\s+foxglove\.LocationFix\s+reliable$/);
  assert.equal(lines[1]!.indexOf("json"), lines[2]!.indexOf("protobuf"));
  assert.equal(formatChannelTable([]), "no channels");
  assert.deepEqual(channelJson(pb), {
    id: 4,
    topic: "/gps",
    encoding: "protobuf",
    schemaName: "foxglove.LocationFix",
    schemaEncoding: "protobuf",
    reliable: true,
    metadata: { "foxglove.reliable": "true" },
  });
});

test("echo lines decode JSON and summarize other encodings", () => {
  const j = msg(json, new TextEncoder().encode('{"a": [1, 2]}'));
  assert.equal(formatMessageLine(j, false), '2023-11-14T22:13:20.123456789Z /imu {"a":[1,2]}');
  assert.deepEqual(JSON.parse(formatMessageLine(j, true)), {
    topic: "/imu",
    channelId: 3,
    logTime: "1700000000123456789",
    encoding: "json",
    schemaName: "",
    size: 13,
    data: { a: [1, 2] },
  });
  const p = msg(pb, new Uint8Array(42));
  assert.equal(
    formatMessageLine(p, false),
    "2023-11-14T22:13:20.123456789Z /gps protobuf foxglove.LocationFix 42 bytes",
  );
  assert.equal((JSON.parse(formatMessageLine(p, true)) as { data: unknown }).data, null);
  // Invalid JSON on a json channel is summarized, not thrown.
  const bad = msg(json, new Uint8Array([0xff, 0x7b]));
  assert.equal(formatMessageLine(bad, false), "2023-11-14T22:13:20.123456789Z /imu json 2 bytes");
});

test("echo summarizes a compressed point cloud: points, fields, bytes before and after", async () => {
  const encoder = await loadDracoEncoder();
  const source = syntheticLidarCloud(1, { points: 1000 });
  const compressed = transcodePointCloud(encoder, "protobuf", PointCloud.encode(source));
  const channel = toViewerChannel(
    rewritePointCloudAdvertisement({
      id: 5,
      topic: "/lidar",
      encoding: "protobuf",
      schemaName: "foxglove.PointCloud",
      schemaEncoding: "protobuf",
      schema: "AA==",
    }),
  );
  assert.equal(isCompressedPointCloudChannel(channel), true);
  assert.equal(isCompressedPointCloudChannel(pb), false);
  const m = msg(channel, compressed);
  const cloud = await decodePointCloud(m);
  assert.equal(cloud.frame_id, "lidar");
  assert.deepEqual(cloud.timestamp, source.timestamp);
  assert.deepEqual(
    cloud.fields.map((f) => f.name),
    ["x", "y", "z", "intensity", "ring"],
  );
  const line = formatMessageLine(m, false, cloud);
  assert.match(
    line,
    new RegExp(
      `^2023-11-14T22:13:20\\.123456789Z /lidar foxglove\\.CompressedPointCloud 1000 points ` +
        `\\[x,y,z,intensity,ring\\] 14000 -> ${compressed.byteLength} bytes \\(\\d+\\.\\dx\\)$`,
    ),
  );
  assert.deepEqual(
    (JSON.parse(formatMessageLine(m, true, cloud)) as { pointCloud: unknown }).pointCloud,
    {
      points: 1000,
      fields: ["x", "y", "z", "intensity", "ring"],
      bytesBefore: 14000,
      bytesAfter: compressed.byteLength,
    },
  );
  await assert.rejects(decodePointCloud(new Uint8Array([0x2a, 1, 0x78])), { code: "ERR_DECODE" });
});

test("a device status names the topic of the channel it is about", () => {
  const warning = (id: string | undefined, message: string) =>
    formatStatusLine({ op: "status", level: 1, id, message }, [json]);
  // A device whose text names only the channel id: the topic is added from the channel table.
  assert.equal(
    warning("channel-drops-3", "Dropped 2 messages on channel 3"),
    "device warning: Dropped 2 messages on channel 3 (topic /imu)",
  );
  assert.equal(
    warning("point-cloud-compression-3", "cannot compress"),
    "device warning: cannot compress (topic /imu)",
  );
  // Ours already names the topic; other statuses and unknown channels are printed as they are.
  assert.equal(
    warning("channel-drops-3", "Dropped 1 message on topic /imu: exceeds 100 KiB"),
    "device warning: Dropped 1 message on topic /imu: exceeds 100 KiB",
  );
  assert.equal(warning("channel-drops-9", "Dropped"), "device warning: Dropped");
  assert.equal(warning(undefined, "battery low"), "device warning: battery low");
  assert.equal(
    formatStatusLine({ op: "status", level: 2, message: "handler failed" }, [json]),
    "device error: handler failed",
  );
});
