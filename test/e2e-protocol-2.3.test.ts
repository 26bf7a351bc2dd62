// Protocol 2.3.0 and point-cloud compression end to end: a real livekit-server, the project's API
// server and a woken gateway; raw participants at 2.3.0 and 2.2.0 look at exactly what reaches
// the wire; the viewer library receives compressed clouds, which an independent Draco decoder
// (DracoPy, Google's native C++) turns back into the logged points.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { TEST_DEVICE } from "../src/api-server/index.js";
import { Channel } from "../src/core/Channel.js";
import { setLogLevel } from "../src/core/logger.js";
import { RawChannel } from "../src/core/RawChannel.js";
import { shutdownLiveKit } from "../src/livekit/index.js";
import {
  readProtobufCompressedPointCloud,
  syntheticLidarCloud,
} from "../src/media/pointcloud/index.js";
import { PointCloud } from "../src/messages/index.js";
import type { ServerMessage } from "../src/protocol/index.js";
import { decodePointCloud, type ViewerMessage } from "../src/viewer/index.js";
import { startDeviceStack, type DeviceStack } from "./helpers/deviceStack.js";
import { decodeWithDracoPy, ensureDracoPy } from "./helpers/dracoPy.js";
import { EventLog } from "./helpers/EventLog.js";
import { startLiveKitServer, type TestLiveKitServer } from "./helpers/livekitServer.js";
import { TestViewer } from "./helpers/TestViewer.js";

const WAIT = 20_000;
let livekit: TestLiveKitServer;
let stack: DeviceStack;
let python: string;
const raws: TestViewer[] = [];

before(async () => {
  setLogLevel("error");
  [livekit, python] = await Promise.all([startLiveKitServer("e2e-2.3"), ensureDracoPy()]);
  stack = await startDeviceStack(livekit);
});
after(async () => {
  await Promise.all(raws.map((r) => r.close()));
  await stack?.close();
  await livekit?.stop();
  await shutdownLiveKit();
});

async function rawViewer(identity: string, protocolVersion: string): Promise<TestViewer> {
  const viewer = await TestViewer.viaApiServer(
    { apiUrl: stack.api.url, device: TEST_DEVICE.id, identity, protocolVersion },
    livekit.iceServers,
  );
  raws.push(viewer);
  return viewer;
}

const advertises = (v: TestViewer) =>
  v
    .messages()
    .filter((m): m is Extract<ServerMessage, { op: "advertise" }> => m.op === "advertise");

describe("protocol 2.3.0 and point clouds end to end", () => {
  test("a 2.3.0 and a 2.2.0 viewer in one room each get their advertise form", async () => {
    const jsonSchema = {
      name: "Pose",
      encoding: "jsonschema",
      data: new TextEncoder().encode("{}"),
    };
    const a = new RawChannel("/v23/a", {
      context: stack.context,
      messageEncoding: "json",
      schema: jsonSchema,
    });
    const lidar = new RawChannel("/v23/lidar", {
      context: stack.context,
      messageEncoding: "protobuf",
      schema: PointCloud.schema,
    });
    const [modern, old] = await Promise.all([
      rawViewer("modern", "2.3.0"),
      rawViewer("old", "2.2.0"),
    ]);
    await Promise.all([
      modern.waitFor("advertise", () => true, WAIT),
      old.waitFor("advertise", () => true, WAIT),
    ]);

    const [first] = advertises(modern);
    assert.ok(first !== undefined && "schemas" in first, "schema-table form for 2.3.0");
    const named = (id: number | undefined) => first.schemas.find((s) => s.id === id)?.name;
    const byTopic = new Map(first.channels.map((c) => [c.topic, c]));
    assert.equal(named(byTopic.get("/v23/a")?.schemaId), "Pose");
    assert.equal(named(byTopic.get("/v23/lidar")?.schemaId), "foxglove.CompressedPointCloud");
    const [inline] = advertises(old);
    assert.ok(inline !== undefined && !("schemas" in inline), "inline form for 2.2.0");
    assert.equal(
      inline.channels.find((c) => c.topic === "/v23/lidar")?.schemaName,
      "foxglove.CompressedPointCloud",
    );

    // A later channel with a schema already defined on the connection carries only its id.
    const b = new RawChannel("/v23/b", {
      context: stack.context,
      messageEncoding: "json",
      schema: jsonSchema,
    });
    const later = await modern.waitFor(
      "advertise",
      (m) => m.channels.some((c) => c.topic === "/v23/b"),
      WAIT,
    );
    assert.ok("schemas" in later);
    assert.deepEqual(later.schemas, []);
    assert.equal(later.channels[0]?.schemaId, byTopic.get("/v23/a")?.schemaId);
    const oldLater = await old.waitFor(
      "advertise",
      (m) => m.channels.some((c) => c.topic === "/v23/b"),
      WAIT,
    );
    assert.ok(!("schemas" in oldLater));
    assert.equal(oldLater.channels[0]?.schemaName, "Pose");
    for (const ch of [a, b, lidar]) ch.close();
    await Promise.all([modern.close(), old.close()]);
  });

  test("a logged cloud arrives as CompressedPointCloud and decodes independently to the same points", async () => {
    const lidar = new Channel<PointCloud>("/e2e/lidar", {
      context: stack.context,
      encoder: PointCloud,
    });
    const viewer = await stack.connect({ identity: "cloud-viewer" });
    const channel = await viewer.waitForChannel("/e2e/lidar", { timeoutMs: WAIT });
    assert.equal(channel.schemaName, "foxglove.CompressedPointCloud");
    assert.equal(channel.metadata["foxglove.originalSchemaName"], "foxglove.PointCloud");
    const got = new EventLog<ViewerMessage>();
    viewer.subscribe("/e2e/lidar", { onMessage: (m) => got.push(m) });
    const cloud = syntheticLidarCloud(4.5, { points: 5000 });
    // Log until one arrives (the data track needs a moment after subscribing).
    const timer = setInterval(() => lidar.log(cloud), 100);
    let message: ViewerMessage;
    try {
      message = await got.waitFor(() => true, WAIT, "a compressed cloud");
    } finally {
      clearInterval(timer);
    }
    assert.equal(message.source, "dataTrack");
    const compressed = readProtobufCompressedPointCloud(message.data);
    assert.equal(compressed.format, "draco");
    assert.equal(compressed.frame_id, "lidar");
    assert.deepEqual(compressed.timestamp, cloud.timestamp);
    assert.ok(message.data.byteLength < cloud.data.byteLength / 2, "compressed at least 2x");

    const [decoded] = await decodeWithDracoPy(python, [compressed.data]);
    assert.equal(decoded?.points.length, 5000);
    const view = new DataView(cloud.data.buffer);
    const source = new Map<string, number[][]>();
    for (let p = 0; p < 5000; p++) {
      const key = `${view.getUint8(p * 14 + 13)}`; // ring
      const xyz = [0, 4, 8].map((o) => view.getFloat32(p * 14 + o, true));
      source.set(key, [...(source.get(key) ?? []), xyz]);
    }
    const tolerance = 100 / 2 ** 12; // the scene spans under 100 m; 12 quantization bits
    decoded.points.forEach((xyz, p) => {
      const candidates = source.get(String(decoded.attributes.ring![p]))!;
      const best = Math.min(
        ...candidates.map((s) => Math.max(...xyz.map((v, k) => Math.abs(v - s[k]!)))),
      );
      assert.ok(best <= tolerance, `point ${p} is ${best} m away`);
    });
    // The viewer library decodes it too, on request.
    const ours = await decodePointCloud(message);
    assert.equal(ours.data.byteLength / ours.point_stride, 5000);
    lidar.close();
    await viewer.close();
  });

  test("a malformed cloud produces the point-cloud-compression warning; later clouds still flow", async () => {
    const raw = new RawChannel("/e2e/bad-lidar", {
      context: stack.context,
      messageEncoding: "protobuf",
      schema: PointCloud.schema,
    });
    const viewer = await stack.connect({ identity: "warned-viewer" });
    await viewer.waitForChannel("/e2e/bad-lidar", { timeoutMs: WAIT });
    const statuses = new EventLog<ServerMessage>();
    viewer.on("message", (m) => {
      if (m.op === "status") statuses.push(m);
    });
    const got = new EventLog<ViewerMessage>();
    viewer.subscribe("/e2e/bad-lidar", { onMessage: (m) => got.push(m) });
    const timer = setInterval(() => raw.log(new Uint8Array([0x25, 0, 0, 0, 0])), 100);
    let status: ServerMessage;
    try {
      status = await statuses.waitFor(() => true, WAIT, "the warning");
    } finally {
      clearInterval(timer);
    }
    assert.deepEqual(status, {
      op: "status",
      level: 1,
      id: `point-cloud-compression-${raw.id}`,
      message: "point cloud compression error on topic /e2e/bad-lidar: point_stride is 0",
    });
    const good = PointCloud.encode(syntheticLidarCloud(1, { points: 100 }));
    const timer2 = setInterval(() => raw.log(good), 100);
    try {
      await got.waitFor(() => true, WAIT, "a good cloud after the bad one");
    } finally {
      clearInterval(timer2);
    }
    raw.close();
    await viewer.close();
  });
});
