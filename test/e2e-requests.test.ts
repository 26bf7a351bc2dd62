// End-to-end viewer-to-device requests: a real livekit-server, the project's API server, a gateway
// woken through it with services, a parameter handler, the connection graph and an asset handler,
// and raw protocol viewers (LiveKit participants speaking the wire protocol) with credentials
// from the API server. A second device with no capabilities checks the refusals.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { TEST_DEVICE } from "../src/api-server/index.js";
import { setLogger } from "../src/core/logger.js";
import { shutdownLiveKit } from "../src/livekit/index.js";
import type { Parameter } from "../src/protocol/index.js";
import type { ParameterHandler } from "../src/remote/Parameters.js";
import type { ServiceDefinition } from "../src/remote/Services.js";
import { startDeviceStack, type DeviceStack } from "./helpers/deviceStack.js";
import { EventLog } from "./helpers/EventLog.js";
import { startLiveKitServer, type TestLiveKitServer } from "./helpers/livekitServer.js";
import { TestViewer } from "./helpers/TestViewer.js";

const bytes = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);
/** Generous: livekit-server announces non-publishing participants in 3 s batches. */
const WAIT = 20_000;
const jsonSchema = { name: "Json", encoding: "jsonschema", data: bytes("{}") };

let livekit: TestLiveKitServer;
let stack: DeviceStack;
let bare: DeviceStack;
const deviceEvents = new EventLog<string>();
const raws: TestViewer[] = [];
/** Calls of /slow waiting for the test to release them. */
const slowCalls = new EventLog<{ from: string; payload: string; release: () => void }>();
const parameters = new Map<string, Parameter>([["speed", { name: "speed", value: 0.5 }]]);

const services: ServiceDefinition[] = [
  {
    name: "/slow",
    request: { encoding: "json", schema: jsonSchema },
    handler: (r) =>
      new Promise<Uint8Array>((resolve) => {
        const payload = str(r.payload);
        r.signal.addEventListener("abort", () => deviceEvents.push(`aborted ${payload}`));
        slowCalls.push({
          from: r.client.identity,
          payload,
          release: () => resolve(bytes(`done ${payload}`)),
        });
      }),
  },
  {
    name: "/hang",
    request: { encoding: "json", schema: jsonSchema },
    handler: () => new Promise<Uint8Array>(() => undefined),
  },
];

const parameterHandler: ParameterHandler = {
  getParameters: (names) =>
    (names.length === 0 ? [...parameters.keys()] : names).flatMap((n) => parameters.get(n) ?? []),
  setParameters: (values) => {
    for (const p of values) parameters.set(p.name, p);
    // A device tells every subscribed viewer (the handler's reply goes to the requester only).
    stack.gateway.publishParameterValues(values);
    return values;
  },
};

before(async () => {
  setLogger(undefined);
  livekit = await startLiveKitServer("e2e-requests");
  [stack, bare] = await Promise.all([
    startDeviceStack(livekit, {
      capabilities: ["clientPublish", "connectionGraph"],
      services,
      parameterHandler,
      assetHandler: (uri) => {
        if (uri === "package://robot/base.urdf") return bytes("<robot name='r2'/>");
        throw new Error(`Asset not found: ${uri}`);
      },
      requestTimeoutMs: 1500,
      listener: {
        onConnectionGraphSubscribe: () => deviceEvents.push("graph sub"),
        onConnectionGraphUnsubscribe: () => deviceEvents.push("graph unsub"),
        onParametersSubscribe: (n) => deviceEvents.push(`psub ${n.join(",")}`),
      },
    }),
    startDeviceStack(livekit, { supportedEncodings: ["json"] }),
  ]);
  stack.gateway.publishConnectionGraph({
    publishedTopics: { "/odom": ["base"] },
    advertisedServices: { "/slow": ["base"] },
  });
});
after(async () => {
  await Promise.all(raws.map((r) => r.close()));
  await Promise.all([stack?.close(), bare?.close()]);
  await livekit?.stop();
  await shutdownLiveKit();
});

/** A raw protocol viewer admitted by `device`, with credentials from its API server. */
async function viewer(identity: string, device: DeviceStack = stack): Promise<TestViewer> {
  const v = await TestViewer.viaApiServer(
    device.api.url,
    TEST_DEVICE.id,
    identity,
    livekit.iceServers,
  );
  raws.push(v);
  await v.waitFor("serverInfo", () => true, WAIT); // admitted: it may send now
  return v;
}

const serviceId = (v: TestViewer, name: string) =>
  v
    .messages()
    .flatMap((m) => (m.op === "advertiseServices" ? m.services : []))
    .find((s) => s.name === name)?.id ?? assert.fail(`service ${name} not advertised`);

const call = (v: TestViewer, service: number, callId: number, payload: string) =>
  v.send({
    op: "serviceCallRequest",
    serviceId: service,
    callId,
    encoding: "json",
    data: bytes(payload),
  });

const answer = (v: TestViewer, callId: number) =>
  v.waitFor("serviceCallResponse", (m) => m.callId === callId, WAIT);

describe("viewer requests end to end through the API server and a woken gateway", () => {
  test("concurrent service calls from two viewers are each answered to their caller", async () => {
    const [a, b] = await Promise.all([viewer("calls-a"), viewer("calls-b")]);
    const slow = serviceId(a, "/slow");
    const info = a.messages()[0];
    assert.ok(info?.op === "serverInfo");
    assert.deepEqual(info.capabilities, [
      "clientPublish",
      "connectionGraph",
      "services",
      "assets",
      "parameters",
      "parametersSubscribe",
    ]);
    await Promise.all([call(a, slow, 7, "from a"), call(b, slow, 7, "from b")]);
    const pending = await Promise.all([
      slowCalls.waitFor((c) => c.payload === "from a", WAIT),
      slowCalls.waitFor((c) => c.payload === "from b", WAIT),
    ]);
    assert.deepEqual(
      pending.map((c) => c.from),
      ["calls-a", "calls-b"],
    );
    for (const c of pending.reverse()) c.release(); // answer b first
    const [ra, rb] = await Promise.all([answer(a, 7), answer(b, 7)]);
    assert.deepEqual([str(ra.data), ra.encoding], ["done from a", "json"]);
    assert.deepEqual([str(rb.data), rb.encoding], ["done from b", "json"]);
    assert.equal(a.messages().filter((m) => m.op === "serviceCallResponse").length, 1);
  });

  test("a handler that never answers fails the call after the timeout; unknown and mis-encoded calls fail at once", async () => {
    const v = await viewer("calls-timeout");
    await call(v, serviceId(v, "/hang"), 1, "{}");
    await call(v, 999, 2, "{}");
    await v.send({
      op: "serviceCallRequest",
      serviceId: serviceId(v, "/slow"),
      callId: 3,
      encoding: "cbor",
      data: bytes("x"),
    });
    const failure = (callId: number) =>
      v.waitFor("serviceCallFailure", (m) => m.callId === callId, WAIT).then((m) => m.message);
    assert.equal(await failure(2), "Unknown service");
    assert.equal(await failure(3), "Unsupported encoding");
    assert.equal(await failure(1), "Service /hang did not respond within 1.5 s");
  });

  test("a viewer that leaves mid-call: its handler is aborted, others are unaffected", async () => {
    const [leaver, stayer] = await Promise.all([viewer("calls-leave"), viewer("calls-stay")]);
    const slow = serviceId(leaver, "/slow");
    await call(leaver, slow, 1, "leaving");
    const pending = await slowCalls.waitFor((c) => c.payload === "leaving", WAIT);
    await leaver.close();
    await deviceEvents.waitFor((e) => e === "aborted leaving", WAIT, "the handler's abort");
    pending.release(); // too late: nobody is there to answer
    await call(stayer, slow, 2, "staying");
    (await slowCalls.waitFor((c) => c.payload === "staying", WAIT)).release();
    assert.equal(str((await answer(stayer, 2)).data), "done staying");
  });

  test("a parameter set is seen by a second subscribed viewer", async () => {
    const [setter, watcher] = await Promise.all([viewer("params-set"), viewer("params-watch")]);
    await watcher.send({ op: "subscribeParameterUpdates", parameterNames: ["speed"] });
    await deviceEvents.waitFor((e) => e === "psub speed", WAIT);
    await setter.send({ op: "getParameters", parameterNames: ["speed"], id: "g" });
    const got = await setter.waitFor("parameterValues", (m) => m.id === "g", WAIT);
    assert.deepEqual(got.parameters, [{ name: "speed", value: 0.5, type: "float64" }]);
    await setter.send({
      op: "setParameters",
      parameters: [{ name: "speed", value: 1.25 }],
      id: "s",
    });
    const echo = await setter.waitFor("parameterValues", (m) => m.id === "s", WAIT);
    assert.deepEqual(echo.parameters, [{ name: "speed", value: 1.25, type: "float64" }]);
    const pushed = await watcher.waitFor("parameterValues", () => true, WAIT);
    assert.deepEqual(pushed, {
      op: "parameterValues",
      parameters: [{ name: "speed", value: 1.25, type: "float64" }],
    });
  });

  test("the connection graph: the whole graph on subscribe, then an update as a diff", async () => {
    const v = await viewer("graph");
    await v.send({ op: "subscribeConnectionGraph" });
    const full = await v.waitFor("connectionGraphUpdate", () => true, WAIT);
    assert.deepEqual(full, {
      op: "connectionGraphUpdate",
      publishedTopics: [{ name: "/odom", publisherIds: ["base"] }],
      subscribedTopics: [],
      advertisedServices: [{ name: "/slow", providerIds: ["base"] }],
      removedTopics: [],
      removedServices: [],
    });
    await deviceEvents.waitFor((e) => e === "graph sub", WAIT);
    stack.gateway.publishConnectionGraph({
      publishedTopics: { "/odom": ["base"], "/scan": ["lidar"] },
    });
    const diff = await v.waitFor("connectionGraphUpdate", (m) => m !== full, WAIT);
    assert.deepEqual(diff, {
      op: "connectionGraphUpdate",
      publishedTopics: [{ name: "/scan", publisherIds: ["lidar"] }],
      subscribedTopics: [],
      advertisedServices: [],
      removedTopics: [],
      removedServices: ["/slow"],
    });
    await v.close();
    await deviceEvents.waitFor((e) => e === "graph unsub", WAIT);
  });

  test("assets: an existing asset's bytes; a missing asset's error", async () => {
    const v = await viewer("assets");
    await v.send({ op: "fetchAsset", requestId: 1, uri: "package://robot/base.urdf" });
    await v.send({ op: "fetchAsset", requestId: 2, uri: "package://robot/missing.stl" });
    const ok = await v.waitFor("fetchAssetResponse", (m) => m.requestId === 1, WAIT);
    assert.ok(ok.status === "success");
    assert.equal(str(ok.data), "<robot name='r2'/>");
    const missing = await v.waitFor("fetchAssetResponse", (m) => m.requestId === 2, WAIT);
    assert.deepEqual(missing, {
      op: "fetchAssetResponse",
      requestId: 2,
      status: "error",
      error: "Asset not found: package://robot/missing.stl",
    });
  });

  test("a capability that is off is refused with the spec's texts", async () => {
    const v = await viewer("refused", bare);
    await call(v, 1, 5, "{}");
    await v.send({ op: "fetchAsset", requestId: 6, uri: "package://x" });
    await v.send({ op: "setParameters", parameters: [{ name: "speed", value: 9 }], id: "p" });
    await v.send({ op: "subscribeConnectionGraph" });
    await v.send({
      op: "advertise",
      channels: [{ id: 1, topic: "/cmd_vel", encoding: "json", schemaName: "" }],
    });
    const failure = await v.waitFor("serviceCallFailure", () => true, WAIT);
    assert.deepEqual(failure, {
      op: "serviceCallFailure",
      serviceId: 1,
      callId: 5,
      message: "Server does not support services",
    });
    const statuses = new Set([
      "Server does not support assets capability",
      "Server does not support parameters capability",
      "Server does not support connection graph capability",
      "Server does not support clientPublish capability",
    ]);
    for (const message of statuses) {
      await v.waitFor("status", (m) => m.message === message && m.level === 2, WAIT);
    }
  });
});
