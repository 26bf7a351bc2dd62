// One program, three outputs of one Context: a message logged once reaches an MCAP file, a local
// WebSocket client (FoxgloveClient) and a remote viewer (through the API server and
// livekit-server), byte-exact with the same log time.
import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import wsProtocol from "@foxglove/ws-protocol";
import WebSocket from "ws";
import { RawChannel } from "../src/core/RawChannel.js";
import { shutdownLiveKit } from "../src/livekit/index.js";
import { openMcap } from "../src/mcap/index.js";
import { readIndexed } from "../src/mcap/testing/readMcap.js";
import type { ViewerMessage } from "../src/viewer/index.js";
import { startServer } from "../src/websocket/index.js";
import { startDeviceStack, type DeviceStack } from "./helpers/deviceStack.js";
import { EventLog } from "./helpers/EventLog.js";
import { startLiveKitServer, type TestLiveKitServer } from "./helpers/livekitServer.js";

const { FoxgloveClient } = wsProtocol;

let livekit: TestLiveKitServer;
let stack: DeviceStack;
let dir: string;
const subscribed = new EventLog<string>();

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "outputs-"));
  livekit = await startLiveKitServer("outputs-together");
  stack = await startDeviceStack(livekit, {
    qosClassifier: () => ({ reliability: "reliable" }),
    listener: { onSubscribe: (_c, ch) => subscribed.push(`remote ${ch.topic}`) },
  });
});
after(async () => {
  await stack?.close();
  await livekit?.stop();
  await shutdownLiveKit();
  await rm(dir, { recursive: true, force: true });
});

test("a message logged once reaches an MCAP file, a local WebSocket client and a remote viewer", async () => {
  const context = stack.context;
  const pose = new RawChannel("/pose", {
    context,
    messageEncoding: "protobuf",
    schema: { name: "test.Pose", encoding: "protobuf", data: new Uint8Array([10, 4, 80]) },
  });
  const path = join(dir, "together.mcap");
  const writer = await openMcap(path, { context });
  await using server = await startServer({
    context,
    port: 0,
    qosClassifier: () => ({ reliability: "reliable" }),
    listener: { onSubscribe: (_c, ch) => subscribed.push(`local ${ch.topic}`) },
  });

  const ws = new WebSocket(server.url, ["foxglove.sdk.v1"]);
  const local = new FoxgloveClient({ ws });
  const localMessages = new EventLog<{ timestamp: bigint; data: ArrayBufferView }>();
  local.on("message", (m) => localMessages.push(m));
  local.on("advertise", (channels) => {
    const c = channels.find((ch) => ch.topic === "/pose");
    if (c !== undefined) local.subscribe(c.id);
  });

  const viewer = await stack.connect({ identity: "remote-viewer" });
  const remoteMessages = new EventLog<ViewerMessage>();
  viewer.subscribe("/pose", { onMessage: remoteMessages.push });

  await subscribed.waitFor((s) => s === "local /pose", 20_000, "local subscription");
  await subscribed.waitFor((s) => s === "remote /pose", 20_000, "remote subscription");

  const data = new Uint8Array([8, 150, 1, 0, 255]);
  pose.log(data, { logTime: 1_700_000_000_000_000_042n });

  const remote = await remoteMessages.waitFor(() => true, 20_000, "remote message");
  const localMessage = await localMessages.waitFor(() => true, 20_000, "local message");
  await writer.close();
  const file = await readIndexed(path);

  assert.deepEqual(remote.data, data);
  assert.equal(remote.logTime, 1_700_000_000_000_000_042n);
  assert.deepEqual(
    new Uint8Array(
      localMessage.data.buffer,
      localMessage.data.byteOffset,
      localMessage.data.byteLength,
    ),
    data,
  );
  assert.equal(localMessage.timestamp, 1_700_000_000_000_000_042n);
  assert.deepEqual(
    file.messages.map((m) => [m.topic, m.logTime, m.data]),
    [["/pose", 1_700_000_000_000_000_042n, data]],
  );
  assert.equal(file.schemas[0]?.name, "test.Pose");
  assert.equal(localMessages.items.length, 1);
  assert.equal(remoteMessages.items.length, 1);

  local.close();
  await once(ws, "close");
  await viewer.close();
});
