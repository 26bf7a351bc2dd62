// Interoperability with the reference gateway (foxglove-sdk 0.26.0 from PyPI, installed into a
// private venv by bench/compare/referenceVenv.ts): the reference device runs against OUR device API
// server and a real livekit-server, goes through device-info, watch, hello and heartbeats, is woken
// by our viewer endpoint, joins the room and greets a viewer with frames our protocol codec decodes.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import {
  startApiServer,
  TEST_DEVICE,
  VIEWER_CONNECT_PATH,
  type ApiServer,
  type ViewerConnectResponse,
} from "../src/api-server/index.js";
import { setLogLevel } from "../src/core/logger.js";
import { connectRoom, shutdownLiveKit, type LiveKitRoom } from "../src/livekit/index.js";
import {
  decodeServerJson,
  FrameDecoder,
  FrameOpcode,
  type ServerJsonMessage,
} from "../src/protocol/index.js";
import { DeviceProcess } from "../bench/compare/DeviceProcess.js";
import { ensureReferenceVenv, REFERENCE_SDK_VERSION } from "../bench/compare/referenceVenv.js";
import { BENCH_TOPIC, deviceArgs } from "../bench/compare/workload.js";
import { EventLog, within } from "./helpers/EventLog.js";
import { startLiveKitServer, type TestLiveKitServer } from "./helpers/livekitServer.js";

const SCRIPT = fileURLToPath(new URL("../bench/compare/reference_device.py", import.meta.url));
let livekit: TestLiveKitServer;
let api: ApiServer;
let device: DeviceProcess;
const rooms: LiveKitRoom[] = [];

before(async () => {
  setLogLevel("error");
  const venv = await ensureReferenceVenv();
  livekit = await startLiveKitServer("reference-interop");
  api = await startApiServer({
    devices: [TEST_DEVICE],
    livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
    heartbeatIntervalMs: 1000,
  });
  device = DeviceProcess.start({
    command: venv.python,
    args: [SCRIPT, ...deviceArgs("reliable", "ref-device")],
    env: { FOXGLOVE_API_URL: api.url, FOXGLOVE_DEVICE_TOKEN: TEST_DEVICE.token },
  });
});

after(async () => {
  await Promise.all(rooms.map((r) => r.close()));
  await device?.stop();
  await api?.stop();
  await livekit?.stop();
  await shutdownLiveKit();
});

test("dormant phase: device-info, watch at protocol 2.2.0, hello, heartbeats on the lease", async () => {
  const started = await device.waitFor("started");
  assert.equal(started.version, REFERENCE_SDK_VERSION);
  const heartbeat = await api.waitFor("heartbeat", { timeoutMs: 20_000 });
  assert.equal(heartbeat.verdict, "ok");
  await device.waitFor("status", { match: (e) => e.status === "Connected" });

  const byEndpoint = (endpoint: string) => api.requests.filter((r) => r.endpoint === endpoint);
  const [info] = byEndpoint("deviceInfo");
  assert.equal(info?.status, 200);
  assert.equal(info.userAgent, `foxglove-sdk-python/${REFERENCE_SDK_VERSION}`);
  const [watch] = byEndpoint("watch");
  assert.equal(watch?.status, 200);
  assert.equal(watch.query.protocolVersion, "2.2.0");
  assert.equal(byEndpoint("heartbeat")[0]?.watchLeaseId, heartbeat.leaseId);
  assert.equal(api.activeLease(TEST_DEVICE.id)?.id, heartbeat.leaseId);
});

test("wake: the reference joins the room and greets a viewer with serverInfo and advertise", async () => {
  const res = await fetch(api.url + VIEWER_CONNECT_PATH, {
    method: "POST",
    body: JSON.stringify({ device: TEST_DEVICE.id, identity: "viewer-interop" }),
  });
  assert.equal(res.status, 200);
  const answer = (await res.json()) as ViewerConnectResponse;
  assert.equal(answer.woke, true);

  const messages = new EventLog<ServerJsonMessage>();
  const room = await connectRoom(answer.livekitUrl, answer.token, {
    iceServers: livekit.iceServers,
  });
  rooms.push(room);
  room.onByteStream("control", async (stream) => {
    assert.equal(stream.identity, TEST_DEVICE.id);
    const decoder = new FrameDecoder();
    for await (const chunk of stream) {
      for (const frame of decoder.push(chunk)) {
        assert.equal(frame.opcode, FrameOpcode.Json);
        messages.push(decodeServerJson(frame.payload));
      }
    }
  });

  const info = await within(
    messages.waitFor((m) => m.op === "serverInfo", 20_000, "serverInfo"),
    20_000,
    "serverInfo",
  );
  assert.ok(info.op === "serverInfo");
  assert.equal(info.name, "ref-device");
  assert.equal(info.sessionId, answer.remoteAccessSessionId);
  assert.equal(info.metadata?.["fg-library"], `foxglove-sdk-python/${REFERENCE_SDK_VERSION}`);
  const advertise = await messages.waitFor((m) => m.op === "advertise", 10_000, "advertise");
  assert.ok(advertise.op === "advertise");
  assert.deepEqual(
    advertise.channels.map((c) => [c.topic, c.encoding, c.schemaName]),
    [[BENCH_TOPIC, "bench", "bench.Payload"]],
  );
  assert.equal(messages.items[0]?.op, "serverInfo"); // serverInfo comes first
});
