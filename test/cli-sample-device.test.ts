// A newcomer drives the sample device (`foxglove-remote device`, a child process) with the CLI
// (child processes through pipes), through a real livekit-server and the device API server:
// read and set its parameters, call /stop, steer it on /cmd_vel. The device prints each action.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { runCli } from "./helpers/cli.js";
import { startSampleDevice, type SampleDevice } from "./helpers/sampleDevice.js";

let stack: SampleDevice;

before(async () => {
  stack = await startSampleDevice("cli-sample-device");
});

after(async () => {
  await stack?.close();
});

const cli = (...args: string[]) => runCli(stack.api.url, args);

test("param get lists the robot's parameters; param set changes one, and the device says so", async () => {
  const all = await cli("param", "get");
  assert.match(all.stdout, /^speed_scale = 1\.0$/m);
  assert.match(all.stdout, /^label = "demo-robot"$/m);
  const set = await cli("param", "set", "speed_scale", "0.5");
  assert.equal(set.stdout, "speed_scale = 0.5\n");
  await stack.device.waitForOutput(/parameter speed_scale = 0\.5 \(set by /);
  assert.equal((await cli("param", "get", "speed_scale")).stdout, "speed_scale = 0.5\n");
});

test("call /stop answers, and the device reports the call", async () => {
  const { stdout } = await cli("call", "/stop");
  assert.equal(stdout, '{"stopped":true}\n');
  await stack.device.waitForOutput(/service \/stop called by \S+: robot stopped/);
});

test("publish on /cmd_vel steers the robot", async () => {
  const command = JSON.stringify({ linear: { x: 0.4 }, angular: { z: 0.2 } });
  await cli("publish", "/cmd_vel", command, "--rate", "5", "--count", "2");
  await stack.device.waitForOutput(/teleop: linear\.x=0\.4 angular\.z=0\.2 from /);
});

test("echo /lidar prints the robot's clouds: every one fits a data-track message", async () => {
  const { stdout, stderr } = await cli("echo", "/lidar", "--count", "3");
  const clouds = stdout.split("\n").filter((l) => l.includes(" /lidar "));
  assert.equal(clouds.length, 3, stdout + stderr);
  for (const line of clouds) {
    assert.match(line, /foxglove\.CompressedPointCloud 30000 points \[x,y,z,intensity,ring\]/);
  }
  assert.doesNotMatch(stderr, /Dropped/, "no cloud was dropped as oversized");
});
