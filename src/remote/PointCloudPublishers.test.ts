import assert from "node:assert/strict";
import { test } from "node:test";
import { Context } from "../core/Context.js";
import { setLogger } from "../core/logger.js";
import { RawChannel } from "../core/RawChannel.js";
import {
  decompressPointCloud,
  loadDracoDecoder,
  syntheticLidarCloud,
} from "../media/pointcloud/index.js";
import { PointCloud } from "../messages/index.js";
import type { ServerMessage } from "../protocol/index.js";
import { MemoryConnection } from "./testing/MemoryConnection.js";
import { RecordingMedia } from "./testing/RecordingMedia.js";
import { ViewerHub } from "./ViewerHub.js";
import type { ViewerHubOptions } from "./ViewerHubOptions.js";

setLogger(undefined);

function setup(options: ViewerHubOptions = {}, pointClouds = true) {
  const context = new Context();
  const media = new RecordingMedia();
  let now = 0;
  const hub = new ViewerHub({ context, ...options });
  hub.open({ serverName: "robot", media, pointClouds, now: () => now });
  const lidar = new RawChannel("/lidar", {
    context,
    messageEncoding: "protobuf",
    schema: PointCloud.schema,
  });
  const viewer = (name: string) => {
    const v = new MemoryConnection(name);
    assert.equal(hub.connect(v), true);
    return v;
  };
  return { hub, media, lidar, viewer, advance: (ms: number) => (now += ms) };
}

const advertised = (ms: ServerMessage[]) => {
  const a = ms.find((m) => m.op === "advertise");
  assert.ok(a?.op === "advertise" && !("schemas" in a));
  return a.channels[0]!;
};
const statuses = (ms: ServerMessage[]) =>
  ms.flatMap((m) =>
    m.op === "status"
      ? [`status ${m.id}`]
      : m.op === "removeStatus"
        ? [`remove ${m.statusIds.join(",")}`]
        : [],
  );

test("a Lossy PointCloud channel is advertised as CompressedPointCloud; opt-outs are unchanged", () => {
  const { viewer } = setup();
  const c = advertised(viewer("a").messages);
  assert.equal(c.schemaName, "foxglove.CompressedPointCloud");
  assert.equal(c.metadata?.["foxglove.originalSchemaName"], "foxglove.PointCloud");

  for (const [options, transport] of [
    [{ pointCloudCompression: false }, true],
    [{ pointCloudCompression: () => undefined }, true],
    [{ qosClassifier: () => ({ reliability: "reliable" as const }) }, true],
    [{}, false],
  ] as const) {
    const other = setup(options, transport);
    assert.equal(advertised(other.viewer("b").messages).schemaName, "foxglove.PointCloud");
  }
});

test("logged clouds are compressed off the log path and arrive as Draco on the data track", async () => {
  const { hub, media, lidar, viewer } = setup();
  const v = viewer("a");
  hub.handleMessage(v, { op: "subscribe", channels: [{ id: lidar.id, requestVideoTrack: false }] });
  const cloud = syntheticLidarCloud(1, { points: 500 });
  lidar.log(PointCloud.encode(cloud), { logTime: 7n });
  assert.equal(media.lossy.length, 0, "log() does not encode");
  await hub.pointCloudsIdle();
  assert.equal(media.lossy.length, 1);
  assert.equal(media.lossy[0]!.logTime, 7n);
  const out = decompressPointCloud(await loadDracoDecoder(), media.lossy[0]!.data);
  assert.equal(out.data.length / out.point_stride, 500);
  assert.deepEqual(out.timestamp, cloud.timestamp);
});

test("a malformed cloud warns its subscribers (throttled, replayed, retracted); later clouds flow", async () => {
  const { hub, media, lidar, viewer, advance } = setup();
  const a = viewer("a");
  hub.handleMessage(a, { op: "subscribe", channels: [{ id: lidar.id, requestVideoTrack: false }] });
  const id = `point-cloud-compression-${lidar.id}`;
  lidar.log(new Uint8Array([0x25, 0, 0, 0, 0]), { logTime: 1n }); // point_stride 0
  await hub.pointCloudsIdle();
  const warning = a.messages.find((m) => m.op === "status");
  assert.ok(warning?.op === "status");
  assert.deepEqual(warning, {
    op: "status",
    level: 1,
    id,
    message: "point cloud compression error on topic /lidar: point_stride is 0",
  });
  advance(10_000);
  lidar.log(new Uint8Array([0x25, 0, 0, 0, 0]), { logTime: 2n });
  await hub.pointCloudsIdle();
  assert.deepEqual(statuses(a.messages), [`status ${id}`], "throttled for 30 s");
  lidar.log(PointCloud.encode(syntheticLidarCloud(2, { points: 10 })), { logTime: 3n });
  await hub.pointCloudsIdle();
  assert.equal(media.lossy.length, 1);

  const b = viewer("b");
  hub.handleMessage(b, { op: "subscribe", channels: [{ id: lidar.id, requestVideoTrack: false }] });
  assert.deepEqual(statuses(b.messages), [`status ${id}`], "replayed to a new subscriber");
  hub.handleMessage(b, { op: "unsubscribe", channelIds: [lidar.id] });
  assert.deepEqual(statuses(b.messages), [`status ${id}`, `remove ${id}`]);
  hub.handleMessage(a, { op: "unsubscribe", channelIds: [lidar.id] });
  assert.ok(statuses(a.messages).includes(`remove ${id}`), "cleared when the publisher stops");

  hub.handleMessage(a, { op: "subscribe", channels: [{ id: lidar.id, requestVideoTrack: false }] });
  lidar.log(new Uint8Array([0x25, 0, 0, 0, 0]), { logTime: 4n });
  await hub.pointCloudsIdle();
  advance(60_000);
  hub.sweepWarnings();
  assert.deepEqual(
    statuses(a.messages).slice(-2),
    [`status ${id}`, `remove ${id}`],
    "expires after 60 s",
  );
});
