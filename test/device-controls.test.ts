// The sample device (`foxglove-remote device`, a child process) driven by a viewer through a real
// livekit-server and the device API server: teleop on /cmd_vel, the /stop service and a parameter
// set each change what the device prints and what it logs on /diagnostics.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { startApiServer, TEST_DEVICE, type ApiServer } from "../src/api-server/index.js";
import { shutdownLiveKit } from "../src/livekit/index.js";
import { startChild, type RunningChild } from "./helpers/childProcess.js";
import { startLiveKitServer, type TestLiveKitServer } from "./helpers/livekitServer.js";
import { TestViewer } from "./helpers/TestViewer.js";

const main = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const str = (b: Uint8Array) => new TextDecoder().decode(b);
const WAIT = 20_000;

let livekit: TestLiveKitServer;
let api: ApiServer;
let device: RunningChild;
let viewer: TestViewer;

before(async () => {
  livekit = await startLiveKitServer("device-controls");
  api = await startApiServer({
    devices: [TEST_DEVICE],
    livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
  });
  device = startChild(process.execPath, ["--import", "tsx", main, "device", "--api-url", api.url], {
    env: { ...process.env, FOXGLOVE_DEVICE_TOKEN: TEST_DEVICE.token },
  });
  await device.waitForOutput(/connected to/);
  viewer = await TestViewer.viaApiServer(api.url, TEST_DEVICE.id, "operator", livekit.iceServers);
  await viewer.waitFor(
    "advertise",
    (m) => m.channels.some((c) => c.topic === "/diagnostics"),
    WAIT,
  );
});

after(async () => {
  await viewer?.close();
  device?.proc.kill("SIGINT");
  await device?.exit(10_000).catch(() => undefined);
  await api?.stop();
  await livekit?.stop();
  await shutdownLiveKit();
});

/** Waits for a /diagnostics message (Reliable, on the control stream) containing `text`. */
async function diagnosticsShow(text: string): Promise<void> {
  const diagnostics = viewer
    .messages()
    .flatMap((m) => (m.op === "advertise" ? m.channels : []))
    .find((c) => c.topic === "/diagnostics");
  assert.ok(diagnostics, "the device advertises /diagnostics");
  await viewer.send({ op: "subscribe", channels: [{ id: diagnostics.id }] });
  await viewer.waitFor(
    "messageData",
    (m) => m.channelId === diagnostics.id && str(m.data).includes(text),
    WAIT,
  );
}

test("teleop commands on /cmd_vel steer the sample device: it prints them and logs them", async () => {
  const info = viewer.messages()[0];
  assert.ok(info?.op === "serverInfo");
  assert.deepEqual(info.capabilities, [
    "clientPublish",
    "parameters",
    "parametersSubscribe",
    "services",
  ]);
  await viewer.send({
    op: "advertise",
    channels: [{ id: 1, topic: "/cmd_vel", encoding: "json", schemaName: "geometry_msgs/Twist" }],
  });
  await viewer.send({
    op: "messageData",
    channelId: 1,
    data: json({ linear: { x: 1.5 }, angular: { z: 0.5 } }),
  });
  await device.waitForOutput(/teleop: linear\.x=1\.5 angular\.z=0\.5 from operator/, WAIT);
  await diagnosticsShow("last command: linear.x=1.5 angular.z=0.5 from operator");
});

test("the /stop service stops the robot; a parameter set is applied and printed", async () => {
  const stop = viewer
    .messages()
    .flatMap((m) => (m.op === "advertiseServices" ? m.services : []))
    .find((s) => s.name === "/stop");
  assert.ok(stop, "the device offers /stop");
  await viewer.send({
    op: "serviceCallRequest",
    serviceId: stop.id,
    callId: 1,
    encoding: "json",
    data: json({}),
  });
  const response = await viewer.waitFor("serviceCallResponse", (m) => m.callId === 1, WAIT);
  assert.equal(str(response.data), '{"stopped":true}');
  await device.waitForOutput(/service \/stop called by operator: robot stopped/, WAIT);
  await diagnosticsShow('"message":"stopped"');

  await viewer.send({
    op: "setParameters",
    parameters: [{ name: "label", value: "r2" }],
    id: "set-label",
  });
  const applied = await viewer.waitFor("parameterValues", (m) => m.id === "set-label", WAIT);
  assert.deepEqual(applied.parameters, [{ name: "label", value: "r2" }]);
  await device.waitForOutput(/parameter label = "r2" \(set by operator\)/, WAIT);
});
