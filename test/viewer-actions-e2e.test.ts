// Our viewer library and CLI acting on OUR gateway (the viewer hub, src/remote) through the real
// API server and livekit-server: client publish, parameter subscriptions, and capability gating
// against a device that leaves features off. CLI commands run as child processes through pipes.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, before, describe, test } from "node:test";
import { TEST_DEVICE } from "../src/api-server/index.js";
import { FoxgloveError } from "../src/core/FoxgloveError.js";
import type { ViewerListener } from "../src/remote/ViewerListener.js";
import { CapabilityError, type Viewer } from "../src/viewer/index.js";
import { startDeviceStack, type DeviceStack } from "./helpers/deviceStack.js";
import { startChild } from "./helpers/childProcess.js";
import { EventLog } from "./helpers/EventLog.js";
import { startLiveKitServer, type TestLiveKitServer } from "./helpers/livekitServer.js";

const MAIN = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const run = promisify(execFile);

let livekit: TestLiveKitServer;
let stack: DeviceStack;
let viewer: Viewer;
/** What the device's listener saw, as short strings. */
const seen = new EventLog<string>();
const text = (b: Uint8Array) => new TextDecoder().decode(b);

const listener: ViewerListener = {
  onClientAdvertise: (c, ch) =>
    seen.push(
      `advertise ${c.identity} ${ch.topic} ${ch.messageEncoding} ${ch.schema?.name ?? "-"}`,
    ),
  onClientUnadvertise: (c, ch) => seen.push(`unadvertise ${c.identity} ${ch.topic}`),
  onMessageData: (c, ch, payload) =>
    seen.push(`message ${c.identity} ${ch.topic} ${text(payload)}`),
  onParametersSubscribe: (names) => seen.push(`paramsSubscribe ${names.join(",")}`),
  onParametersUnsubscribe: (names) => seen.push(`paramsUnsubscribe ${names.join(",")}`),
};

const saw = (line: string | RegExp, what = String(line)) =>
  seen.waitFor((s) => (typeof line === "string" ? s === line : line.test(s)), 20_000, what);

before(async () => {
  livekit = await startLiveKitServer("viewer-actions-e2e");
  stack = await startDeviceStack(livekit, {
    capabilities: ["clientPublish", "parameters"],
    supportedEncodings: ["json"],
    listener,
  });
  viewer = await stack.connect({ identity: "lib-viewer" });
});

after(async () => {
  await stack?.close();
  await livekit?.stop();
});

/** Runs the CLI as a child process (pipes) against the API server at `apiUrl`. */
async function cliAt(apiUrl: string, ...args: string[]) {
  return await run(process.execPath, ["--import", "tsx", MAIN, ...args], {
    timeout: 60_000,
    env: { ...process.env, FOXGLOVE_API_URL: apiUrl, FOXGLOVE_LOG_LEVEL: "error" },
  });
}
const cli = (...args: string[]) => cliAt(stack.api.url, ...args);

/** Runs the CLI, expects exit code `expected`, returns its stderr. */
async function cliFailureAt(apiUrl: string, expected: number, ...args: string[]): Promise<string> {
  const error = await cliAt(apiUrl, ...args).then(
    () => assert.fail(`${args.join(" ")} should fail`),
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal(error.code, expected, error.stderr);
  return error.stderr;
}
const cliFailure = (expected: number, ...args: string[]) =>
  cliFailureAt(stack.api.url, expected, ...args);

describe("the viewer library on our gateway", () => {
  test("client publish: the device's listener sees the channel, every message in order, the end", async () => {
    assert.deepEqual(viewer.serverInfo?.supportedEncodings, ["json"]);
    const publisher = viewer.advertise({
      topic: "/cmd_vel",
      encoding: "json",
      schema: { name: "geometry_msgs/Twist", encoding: "", data: new Uint8Array() },
    });
    await saw("advertise lib-viewer /cmd_vel json geometry_msgs/Twist");
    for (let i = 0; i < 5; i++) {
      assert.equal(publisher.publish(JSON.stringify({ x: i })), true);
    }
    await saw('message lib-viewer /cmd_vel {"x":4}');
    assert.deepEqual(
      seen.items.filter((s) => s.startsWith("message lib-viewer /cmd_vel")),
      [0, 1, 2, 3, 4].map((i) => `message lib-viewer /cmd_vel {"x":${i}}`),
    );
    publisher.unadvertise();
    await saw("unadvertise lib-viewer /cmd_vel");
  });

  test("features the device leaves off are refused before anything is sent", async () => {
    const caps = viewer.serverInfo!.capabilities;
    assert.deepEqual([...caps].sort(), ["clientPublish", "parameters", "parametersSubscribe"]);
    const missing = (capability: string) => (e: unknown) =>
      e instanceof CapabilityError && e.capability === capability;
    await assert.rejects(viewer.callService("/reset", "{}"), missing("services"));
    assert.throws(() => viewer.subscribeConnectionGraph(), missing("connectionGraph"));
    await assert.rejects(viewer.fetchAsset("package://r/x.stl"), missing("assets"));
    assert.throws(
      () => viewer.advertise({ topic: "/raw", encoding: "protobuf" }),
      (e) => e instanceof FoxgloveError && e.code === "ERR_UNSUPPORTED_ENCODING",
    );
  });

  test("parameter subscriptions reach the device's listener once per name", async () => {
    const a = viewer.subscribeParameterUpdates(["speed", "gain"]);
    await saw(/^paramsSubscribe (gain,speed|speed,gain)$/, "subscribe speed and gain");
    const b = viewer.subscribeParameterUpdates(["speed"]);
    a.unsubscribe();
    await saw("paramsUnsubscribe gain");
    b.unsubscribe();
    await saw("paramsUnsubscribe speed");
    assert.equal(seen.items.filter((s) => s.startsWith("paramsSubscribe")).length, 1);
  });
});

describe("the CLI on our gateway (child processes through pipes)", () => {
  test("publish --rate --count: every message reaches the device, then the channel goes", async () => {
    const from = seen.items.length;
    const { stderr } = await cli(
      "publish",
      "/teleop",
      '{"linear": 0.5}',
      "--rate",
      "20",
      "--count",
      "3",
      "--device",
      TEST_DEVICE.id,
    );
    assert.match(stderr, /published 3 message\(s\) on \/teleop/);
    await seen.waitFor(
      () =>
        seen.items.slice(from).filter((s) => / \/teleop \{"linear": 0.5\}$/.test(s)).length === 3,
      20_000,
      "3 messages on /teleop",
    );
    await saw(/^unadvertise \S+ \/teleop$/);
  });

  test("a message that is not JSON is refused before connecting (exit 1)", async () => {
    assert.match(await cliFailure(1, "publish", "/teleop", "{linear"), /not valid JSON/);
  });

  test("call, graph and asset on a device without those capabilities exit 3", async () => {
    assert.match(await cliFailure(3, "call", "/reset"), /services/);
    assert.match(await cliFailure(3, "graph"), /connectionGraph/);
    assert.match(await cliFailure(3, "asset", "package://r/x.stl", "-o", "/dev/null"), /assets/);
  });

  test("param watch subscribes at the device; SIGINT ends it with 0 and unsubscribes", async () => {
    const from = seen.items.length;
    const child = startChild(
      process.execPath,
      ["--import", "tsx", MAIN, "param", "watch", "mode"],
      {
        env: { ...process.env, FOXGLOVE_API_URL: stack.api.url, FOXGLOVE_LOG_LEVEL: "error" },
      },
    );
    await seen.waitFor(
      (s) => s === "paramsSubscribe mode" && seen.items.indexOf(s) >= from,
      30_000,
      "paramsSubscribe mode",
    );
    child.proc.kill("SIGINT");
    assert.equal(await child.exit(10_000), 0, child.stderr());
    await seen.waitFor(
      (s) => s === "paramsUnsubscribe mode" && seen.items.indexOf(s) >= from,
      20_000,
      "paramsUnsubscribe mode",
    );
  });
});
