// The sample device (`foxglove-remote device`, a child process) driven by a viewer through a real
// livekit-server and the device API server: teleop on /cmd_vel, the /stop service and a parameter
// set each change what the device prints and what it logs on /diagnostics.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
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
  viewer = await TestViewer.viaApiServer(
    { apiUrl: api.url, device: TEST_DEVICE.id, identity: "operator" },
    livekit.iceServers,
  );
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
    .flatMap((m): readonly { id: number; topic: string }[] =>
      m.op === "advertise" ? m.channels : [],
    )
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

/** Runs a `foxglove-remote` command through pipes, as a user's script would. */
async function cli(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", main, ...args],
    {
      timeout: 60_000,
      env: { ...process.env, FOXGLOVE_API_URL: api.url, FOXGLOVE_LOG_LEVEL: "error" },
    },
  );
  return stdout;
}

test("the CLI drives the sample device: publish on /cmd_vel, call a service, set a parameter", async () => {
  await cli(
    "publish",
    "/cmd_vel",
    '{"linear":{"x":0.8},"angular":{"z":0.2}}',
    "--rate",
    "20",
    "--count",
    "10",
  );
  await device.waitForOutput(/teleop: linear\.x=0\.8 angular\.z=0\.2 from /, WAIT);
  const reset = await cli("call", "/reset_odometry");
  assert.match(reset, /\{"x":0,"y":0,"yaw":0\}/);
  await device.waitForOutput(/service \/reset_odometry called by .*: pose reset/, WAIT);
  await cli("param", "set", "speed_scale", "2");
  await device.waitForOutput(/parameter speed_scale = 2 \(set by /, WAIT);
  const got = await cli("param", "get", "speed_scale", "--json");
  assert.match(got, /"name":"speed_scale".*"value":2/);
});
