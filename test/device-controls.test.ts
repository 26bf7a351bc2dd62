// The sample device (`foxglove-remote device`, a child process) driven by a viewer through a real
// livekit-server and the device API server: teleop on /cmd_vel, the /stop service and a parameter
// set each change what the device prints and what it logs on /diagnostics.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { TEST_DEVICE } from "../src/api-server/index.js";
import { shutdownLiveKit } from "../src/livekit/index.js";
import type { RunningChild } from "./helpers/childProcess.js";
import { runCli } from "./helpers/cli.js";
import { startSampleDevice, type SampleDevice } from "./helpers/sampleDevice.js";
import { TestViewer } from "./helpers/TestViewer.js";

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const str = (b: Uint8Array) => new TextDecoder().decode(b);
const WAIT = 20_000;

let stack: SampleDevice;
let device: RunningChild;
let viewer: TestViewer;

before(async () => {
  stack = await startSampleDevice("device-controls");
  device = stack.device;
  const { api, livekit } = stack;
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
  await stack?.close();
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
  return (await runCli(stack.api.url, args)).stdout;
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
  // A single publish (no --rate) reaches the device before the viewer leaves.
  await cli("publish", "/cmd_vel", '{"linear":{"x":0.3},"angular":{"z":0.1}}');
  await device.waitForOutput(/teleop: linear\.x=0\.3 angular\.z=0\.1 from /, WAIT);
  const reset = await cli("call", "/reset_odometry");
  assert.match(reset, /\{"x":0,"y":0,"yaw":0\}/);
  await device.waitForOutput(/service \/reset_odometry called by .*: pose reset/, WAIT);
  await cli("param", "set", "speed_scale", "2");
  await device.waitForOutput(/parameter speed_scale = 2 \(set by /, WAIT);
  const got = await cli("param", "get", "speed_scale", "--json");
  assert.match(got, /"name":"speed_scale".*"value":2/);
});
