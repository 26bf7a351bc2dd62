// A newcomer drives the sample device (`foxglove-remote device`, a child process) with the CLI
// (child processes through pipes), through a real livekit-server and the device API server:
// read and set its parameters, call /stop, steer it on /cmd_vel. The device prints each action.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, before, test } from "node:test";
import { startApiServer, TEST_DEVICE, type ApiServer } from "../src/api-server/index.js";
import { shutdownLiveKit } from "../src/livekit/index.js";
import { startChild, type RunningChild } from "./helpers/childProcess.js";
import { startLiveKitServer, type TestLiveKitServer } from "./helpers/livekitServer.js";

const MAIN = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const run = promisify(execFile);

let livekit: TestLiveKitServer;
let api: ApiServer;
let device: RunningChild;

before(async () => {
  livekit = await startLiveKitServer("cli-sample-device");
  api = await startApiServer({
    devices: [TEST_DEVICE],
    livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
  });
  device = startChild(process.execPath, ["--import", "tsx", MAIN, "device", "--api-url", api.url], {
    env: { ...process.env, FOXGLOVE_DEVICE_TOKEN: TEST_DEVICE.token },
  });
  await device.waitForOutput(/connected to/);
});

after(async () => {
  device?.proc.kill("SIGINT");
  await device?.exit(10_000).catch(() => undefined);
  await api?.stop();
  await livekit?.stop();
  await shutdownLiveKit();
});

async function cli(...args: string[]) {
  return await run(process.execPath, ["--import", "tsx", MAIN, ...args], {
    timeout: 60_000,
    env: { ...process.env, FOXGLOVE_API_URL: api.url, FOXGLOVE_LOG_LEVEL: "error" },
  });
}

test("param get lists the robot's parameters; param set changes one, and the device says so", async () => {
  const all = await cli("param", "get");
  assert.match(all.stdout, /^speed_scale = 1\.0$/m);
  assert.match(all.stdout, /^label = "demo-robot"$/m);
  const set = await cli("param", "set", "speed_scale", "0.5");
  assert.equal(set.stdout, "speed_scale = 0.5\n");
  await device.waitForOutput(/parameter speed_scale = 0\.5 \(set by /);
  assert.equal((await cli("param", "get", "speed_scale")).stdout, "speed_scale = 0.5\n");
});

test("call /stop answers, and the device reports the call", async () => {
  const { stdout } = await cli("call", "/stop");
  assert.equal(stdout, '{"stopped":true}\n');
  await device.waitForOutput(/service \/stop called by \S+: robot stopped/);
});

test("publish on /cmd_vel steers the robot", async () => {
  const command = JSON.stringify({ linear: { x: 0.4 }, angular: { z: 0.2 } });
  await cli("publish", "/cmd_vel", command, "--rate", "5", "--count", "2");
  await device.waitForOutput(/teleop: linear\.x=0\.4 angular\.z=0\.2 from /);
});
