// Our viewer library and CLI acting on OUR gateway (the viewer hub, src/remote) through the real
// API server and livekit-server: client publish, parameter subscriptions and capability gating on
// a device that leaves features off; services, parameters, the connection graph and assets on a
// device with all of them. CLI commands run as child processes through pipes.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { TEST_DEVICE } from "../src/api-server/index.js";
import { FoxgloveError } from "../src/core/FoxgloveError.js";
import type { ViewerListener } from "../src/remote/ViewerListener.js";
import type { ConnectionGraphUpdate, ServerMessage } from "../src/protocol/index.js";
import type { ServiceDefinition } from "../src/remote/Services.js";
import { CapabilityError, ServiceCallError, type Viewer } from "../src/viewer/index.js";
import { startDeviceStack, type DeviceStack } from "./helpers/deviceStack.js";
import { startChild } from "./helpers/childProcess.js";
import { cliFailure, MAIN_TS, runCli } from "./helpers/cli.js";
import { EventLog, within } from "./helpers/EventLog.js";
import { startLiveKitServer, type TestLiveKitServer } from "./helpers/livekitServer.js";

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

const cliAt = (apiUrl: string, ...args: string[]) => runCli(apiUrl, args);
const cli = (...args: string[]) => cliAt(stack.api.url, ...args);
const cliFailureAt = (apiUrl: string, expected: number, ...args: string[]) =>
  cliFailure(apiUrl, expected, args);
const cliFails = (expected: number, ...args: string[]) => cliFailure(stack.api.url, expected, args);

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
    assert.match(await cliFails(1, "publish", "/teleop", "{linear"), /not valid JSON/);
  });

  test("call, graph and asset on a device without those capabilities exit 3", async () => {
    assert.match(await cliFails(3, "call", "/reset"), /services/);
    assert.match(await cliFails(3, "graph"), /connectionGraph/);
    assert.match(await cliFails(3, "asset", "package://r/x.stl", "-o", "/dev/null"), /assets/);
  });

  test("param watch subscribes at the device; SIGINT ends it with 0 and unsubscribes", async () => {
    const from = seen.items.length;
    const child = startChild(
      process.execPath,
      ["--import", "tsx", MAIN_TS, "param", "watch", "mode"],
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

// ---- the requests of hub M2: services, parameters, connection graph, assets ----------------

/** Calls of /slow waiting for the test to release them. */
const slowCalls = new EventLog<{ from: string; payload: string; release: () => void }>();
const bytes = (s: string) => new TextEncoder().encode(s);
const jsonSchema = { name: "Json", encoding: "jsonschema", data: bytes('{"type":"object"}') };

const services: ServiceDefinition[] = [
  {
    name: "/add",
    request: { encoding: "json", schema: jsonSchema },
    response: { encoding: "json", schema: jsonSchema },
    handler: (r) => {
      const { a, b } = JSON.parse(text(r.payload)) as { a: number; b: number };
      return bytes(JSON.stringify({ sum: a + b, caller: r.client.identity }));
    },
  },
  { name: "/fail", handler: () => Promise.reject(new Error("boom: bad input")) },
  {
    name: "/slow",
    handler: (r) =>
      new Promise<Uint8Array>((resolve) => {
        const payload = text(r.payload);
        r.signal.addEventListener("abort", () => seen.push(`aborted /slow ${payload}`));
        slowCalls.push({
          from: r.client.identity,
          payload,
          release: () => resolve(bytes(payload)),
        });
      }),
  },
  { name: "/hang", handler: () => new Promise<Uint8Array>(() => undefined) },
];

describe("requests on our gateway: services, parameters, graph, assets", () => {
  let full: DeviceStack;
  let a: Viewer;
  let b: Viewer;
  before(async () => {
    full = await startDeviceStack(livekit, {
      capabilities: ["parameters", "connectionGraph"],
      supportedEncodings: ["json"],
      services,
      assetHandler: (uri) => {
        if (uri === "package://robot/base.stl") return bytes("solid base\nendsolid base\n");
        throw new Error(`Asset not found: ${uri}`);
      },
      requestTimeoutMs: 1500,
    });
    [a, b] = await Promise.all([
      full.connect({ identity: "viewer-a" }),
      full.connect({ identity: "viewer-b" }),
    ]);
    await Promise.all([a.waitForService("/hang"), b.waitForService("/hang")]);
  });
  after(async () => {
    await full?.close();
  });

  test("concurrent calls from two viewers are answered to each caller", async () => {
    const calls = [a, b, a, b].map((v, i) =>
      v.callService("/add", JSON.stringify({ a: i, b: 10 })),
    );
    const answers = (await Promise.all(calls)).map((r) => JSON.parse(text(r.data)) as unknown);
    assert.deepEqual(answers, [
      { sum: 10, caller: "viewer-a" },
      { sum: 11, caller: "viewer-b" },
      { sum: 12, caller: "viewer-a" },
      { sum: 13, caller: "viewer-b" },
    ]);
    // Answers out of order: the second /slow call is released first.
    const first = a.callService("/slow", "one");
    const second = a.callService("/slow", "two");
    const one = await slowCalls.waitFor((c) => c.payload === "one", 20_000, "/slow one");
    const two = await slowCalls.waitFor((c) => c.payload === "two", 20_000, "/slow two");
    two.release();
    assert.equal(text((await second).data), "two");
    one.release();
    assert.equal(text((await first).data), "one");
  });

  test("a failing handler, a handler that never answers (device timeout), an unknown service", async () => {
    await assert.rejects(a.callService("/fail", "{}"), (e) => {
      assert.ok(e instanceof ServiceCallError);
      assert.equal(e.reason, "handlerError");
      assert.equal(e.deviceMessage, "boom: bad input");
      return true;
    });
    await assert.rejects(a.callService("/hang", "{}"), (e) => {
      assert.ok(e instanceof ServiceCallError);
      assert.equal(e.reason, "handlerError");
      assert.match(e.deviceMessage ?? "", /\/hang did not respond within 1\.5 s/);
      return true;
    });
    await assert.rejects(
      a.callService("/nope", "{}"),
      (e) => e instanceof ServiceCallError && e.reason === "unknownService",
    );
  });

  test("a viewer that leaves mid-call: its call fails at once, the handler is told", async () => {
    const leaving = await full.connect({ identity: "viewer-leaving" });
    await leaving.waitForService("/slow");
    const failed = assert.rejects(
      leaving.callService("/slow", "left"),
      (e) => e instanceof ServiceCallError && e.reason === "disconnected",
    );
    await slowCalls.waitFor((c) => c.payload === "left", 20_000, "/slow left");
    await leaving.close();
    await failed;
    await saw("aborted /slow left");
  });

  test("parameters: a set by one viewer is seen by another subscribed viewer", async () => {
    const updates = b.subscribeParameterUpdates(["speed"]);
    // b's messages are handled in order: once its get is answered, its subscribe is in place
    // (a's set travels on another stream and could otherwise overtake it).
    await b.getParameters(["speed"]);
    const applied = await a.setParameters([{ name: "speed", type: "float64", value: 2 }]);
    assert.deepEqual(applied, [{ name: "speed", type: "float64", value: 2 }]);
    const pushed = await within(updates[Symbol.asyncIterator]().next(), 10_000, "the push");
    assert.deepEqual(pushed.value, [{ name: "speed", type: "float64", value: 2 }]);
    assert.deepEqual(await b.getParameters(["speed"]), [
      { name: "speed", type: "float64", value: 2 },
    ]);
    full.gateway.publishParameterValues([
      { name: "speed", value: 3 },
      { name: "mode", value: "auto" },
    ]);
    assert.deepEqual(
      (await within(updates[Symbol.asyncIterator]().next(), 10_000, "the push")).value,
      [{ name: "speed", value: 3 }],
    );
    updates.unsubscribe();
  });

  test("connection graph: the whole graph, then an update delivered as a diff", async () => {
    full.gateway.publishConnectionGraph({
      publishedTopics: { "/imu": ["driver"], "/odom": ["base"] },
      advertisedServices: { "/reset": ["base"] },
    });
    const graphs = a.subscribeConnectionGraph();
    const it = graphs[Symbol.asyncIterator]();
    assert.deepEqual((await it.next()).value, {
      publishedTopics: { "/imu": ["driver"], "/odom": ["base"] },
      subscribedTopics: {},
      advertisedServices: { "/reset": ["base"] },
    });
    const diffs = new EventLog<ServerMessage>();
    a.on("message", (m) => m.op === "connectionGraphUpdate" && diffs.push(m));
    full.gateway.publishConnectionGraph({
      publishedTopics: { "/imu": ["driver", "replay"] },
      subscribedTopics: { "/imu": ["fusion"] },
    });
    assert.deepEqual((await it.next()).value, {
      publishedTopics: { "/imu": ["driver", "replay"] },
      subscribedTopics: { "/imu": ["fusion"] },
      advertisedServices: {},
    });
    const diff = (await diffs.waitFor(() => true, 20_000, "the diff")) as ConnectionGraphUpdate;
    assert.deepEqual([...diff.removedTopics].sort(), ["/odom"]);
    assert.deepEqual(diff.removedServices, ["/reset"]);
    graphs.unsubscribe();
  });

  test("assets: the bytes, and an asset that does not exist", async () => {
    assert.equal(
      text(await a.fetchAsset("package://robot/base.stl")),
      "solid base\nendsolid base\n",
    );
    await assert.rejects(
      a.fetchAsset("package://robot/none.stl"),
      (e) =>
        e instanceof FoxgloveError && e.code === "ERR_ASSET" && /Asset not found/.test(e.message),
    );
  });

  test("the CLI: call, param set/get, graph --json, asset -o; failures exit 2", async () => {
    const on = (...args: string[]) => cliAt(full.api.url, ...args);
    const call = await on("call", "/add", '{"a": 40, "b": 2}');
    assert.match(call.stdout, /^\{"sum":42,"caller":"[^"]+"\}\n$/);
    assert.match(await cliFailureAt(full.api.url, 2, "call", "/fail"), /boom: bad input/);
    assert.match(await cliFailureAt(full.api.url, 2, "call", "/hang"), /did not respond/);
    assert.equal((await on("param", "set", "gain", "1.0")).stdout, "gain = 1.0\n");
    assert.equal((await on("param", "get", "gain")).stdout, "gain = 1.0\n");
    const graph = JSON.parse((await on("graph", "--json")).stdout) as unknown;
    assert.deepEqual(graph, {
      publishedTopics: { "/imu": ["driver", "replay"] },
      subscribedTopics: { "/imu": ["fusion"] },
      advertisedServices: {},
    });
    const dir = await mkdtemp(join(tmpdir(), "fr-asset-"));
    try {
      const out = join(dir, "base.stl");
      await on("asset", "package://robot/base.stl", "-o", out);
      assert.equal(await readFile(out, "utf8"), "solid base\nendsolid base\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    assert.match(
      await cliFailureAt(full.api.url, 2, "asset", "package://robot/none.stl"),
      /Asset not found/,
    );
  });
});
