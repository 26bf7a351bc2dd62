// The viewer's requests to the device, driven through ViewerCore with in-memory effects: what
// goes on the wire, how answers are correlated, capability gating, resets and close.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FoxgloveError } from "../core/FoxgloveError.js";
import {
  GATEWAY_CAPABILITIES,
  type AdvertisedService,
  type ClientMessage,
  type ServerInfo,
  type ServerMessage,
} from "../protocol/index.js";
import { CapabilityError } from "./CapabilityError.js";
import { type ConnectionGraph } from "./ConnectionGraphState.js";
import { Emitter } from "./Emitter.js";
import { ServiceCallError } from "./ServiceCallError.js";
import type { UpdateSubscription } from "./UpdateSubscription.js";
import { MAX_PUBLISH_BACKLOG_BYTES } from "./ClientPublishers.js";
import { ViewerCore } from "./ViewerCore.js";
import type { ViewerEvents } from "./ViewerEvents.js";

const ALL: string[] = [...GATEWAY_CAPABILITIES];
const info = (capabilities: string[] = ALL, supportedEncodings = ["json"]): ServerInfo => ({
  op: "serverInfo",
  name: "dev",
  capabilities,
  supportedEncodings,
});
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const svc = (id: number, name: string, requestEncoding?: string): AdvertisedService => ({
  id,
  name,
  type: "t",
  ...(requestEncoding === undefined
    ? { requestSchema: "" }
    : {
        request: { encoding: requestEncoding, schemaName: "", schemaEncoding: "", schema: "" },
      }),
  responseSchema: "",
});

function setup(first: ServerInfo = info()) {
  const sent: ClientMessage[] = [];
  const backlog = { bytes: 0 };
  const core = new ViewerCore({
    events: new Emitter<ViewerEvents>(),
    effects: {
      send: (m) => sent.push(m),
      openDataTrack: () => {},
      closeDataTrack: () => {},
      backlogBytes: () => backlog.bytes,
    },
  });
  const handle = (m: ServerMessage) => core.handleMessage(m);
  handle(first);
  const take = () => sent.splice(0);
  return { core, actions: core.actions, sent, handle, take, backlog };
}

async function next<T>(sub: UpdateSubscription<T>): Promise<T> {
  const r = await sub[Symbol.asyncIterator]().next();
  assert.equal(r.done, false);
  return r.value;
}

const isCode = (code: string) => (e: unknown) => e instanceof FoxgloveError && e.code === code;
const isReason = (reason: string, code: string) => (e: unknown) =>
  e instanceof ServiceCallError && e.reason === reason && e.code === code;

describe("ViewerActions", () => {
  test("every operation is gated on the device's capabilities; nothing is sent", async () => {
    const { actions, sent } = setup(info([], ["json"]));
    const missing = (capability: string) => (e: unknown) =>
      e instanceof CapabilityError && e.code === "ERR_CAPABILITY" && e.capability === capability;
    assert.throws(
      () => actions.advertise({ topic: "/t", encoding: "json" }),
      missing("clientPublish"),
    );
    await assert.rejects(actions.callService("/s", "{}"), missing("services"));
    await assert.rejects(actions.getParameters(["a"]), missing("parameters"));
    await assert.rejects(actions.setParameters([{ name: "a", value: 1 }]), missing("parameters"));
    assert.throws(() => actions.subscribeParameterUpdates(["a"]), missing("parametersSubscribe"));
    assert.throws(() => actions.subscribeConnectionGraph(), missing("connectionGraph"));
    await assert.rejects(actions.fetchAsset("package://x"), missing("assets"));
    assert.deepEqual(sent, []);
  });

  test("client publish: advertise (schema name only or full schema), publish, unadvertise", () => {
    const { actions, take } = setup(info(ALL, ["json", "protobuf"]));
    assert.throws(
      () => actions.advertise({ topic: "/t", encoding: "cbor" }),
      (e) => isCode("ERR_UNSUPPORTED_ENCODING")(e) && /json, protobuf/.test(String(e)),
    );
    const teleop = actions.advertise({
      topic: "/cmd_vel",
      encoding: "json",
      schema: { name: "geometry_msgs/Twist", encoding: "", data: new Uint8Array() },
    });
    const proto = actions.advertise({
      topic: "/pb",
      encoding: "protobuf",
      schema: { name: "pkg.M", encoding: "protobuf", data: new Uint8Array([0xde, 0xad]) },
    });
    assert.deepEqual(take(), [
      {
        op: "advertise",
        channels: [
          { id: teleop.id, topic: "/cmd_vel", encoding: "json", schemaName: "geometry_msgs/Twist" },
        ],
      },
      {
        op: "advertise",
        channels: [
          {
            id: proto.id,
            topic: "/pb",
            encoding: "protobuf",
            schemaName: "pkg.M",
            schemaEncoding: "protobuf",
            schema: "3q0=",
          },
        ],
      },
    ]);
    assert.notEqual(teleop.id, proto.id);
    teleop.publish('{"x":1}');
    teleop.publish(bytes("{}"));
    const [m1, m2] = take() as { op: string; channelId: number; data: Uint8Array }[];
    assert.equal(m1!.op, "messageData");
    assert.equal(m1!.channelId, teleop.id);
    assert.equal(text(m1!.data), '{"x":1}');
    assert.equal(text(m2!.data), "{}");
    assert.equal(teleop.published, 2);
    teleop.unadvertise();
    teleop.unadvertise();
    assert.deepEqual(take(), [{ op: "unadvertise", channelIds: [teleop.id] }]);
    assert.throws(() => teleop.publish("{}"), isCode("ERR_CHANNEL_CLOSED"));
    assert.deepEqual(
      actions.publishers.map((p) => p.topic),
      ["/pb"],
    );
  });

  test("publish drops (and counts) messages while the control stream is backed up", () => {
    const { actions, take, backlog } = setup();
    const p = actions.advertise({ topic: "/cmd", encoding: "json" });
    take();
    backlog.bytes = MAX_PUBLISH_BACKLOG_BYTES + 1;
    assert.equal(p.publish("{}"), false);
    assert.deepEqual(take(), []);
    backlog.bytes = MAX_PUBLISH_BACKLOG_BYTES;
    assert.equal(p.publish("{}"), true);
    assert.equal(take().length, 1);
    assert.deepEqual([p.published, p.dropped], [1, 1]);
  });

  test("service calls are correlated by call id, answered in any order, failures typed", async () => {
    const { actions, handle, take } = setup();
    handle({ op: "advertiseServices", services: [svc(7, "/add"), svc(8, "/pb", "protobuf")] });
    const a = actions.callService("/add", '{"a":1}');
    const b = actions.callService(7, bytes('{"a":2}'), { encoding: "json" });
    const c = actions.callService("/add", "{}");
    const sent = take() as {
      op: string;
      serviceId: number;
      callId: number;
      encoding: string;
      data: Uint8Array;
    }[];
    assert.deepEqual(
      sent.map((m) => [m.op, m.serviceId, m.encoding, text(m.data)]),
      [
        ["serviceCallRequest", 7, "json", '{"a":1}'],
        ["serviceCallRequest", 7, "json", '{"a":2}'],
        ["serviceCallRequest", 7, "json", "{}"],
      ],
    );
    const [ca, cb, cc] = sent.map((m) => m.callId);
    assert.equal(new Set([ca, cb, cc]).size, 3);
    // Answers out of order; one for an unknown call and one with the wrong service are ignored.
    handle({
      op: "serviceCallResponse",
      serviceId: 7,
      callId: 999,
      encoding: "json",
      data: bytes("?"),
    });
    handle({
      op: "serviceCallResponse",
      serviceId: 8,
      callId: cb!,
      encoding: "json",
      data: bytes("?"),
    });
    handle({
      op: "serviceCallResponse",
      serviceId: 7,
      callId: cb!,
      encoding: "json",
      data: bytes("2"),
    });
    handle({ op: "serviceCallFailure", serviceId: 7, callId: cc!, message: "boom: bad input" });
    handle({
      op: "serviceCallResponse",
      serviceId: 7,
      callId: ca!,
      encoding: "json",
      data: bytes("1"),
    });
    assert.equal(text((await a).data), "1");
    const rb = await b;
    assert.equal(text(rb.data), "2");
    assert.equal(rb.service.name, "/add");
    await assert.rejects(c, (e) => {
      assert.ok(e instanceof ServiceCallError);
      assert.equal(e.reason, "handlerError");
      assert.equal(e.code, "ERR_SERVICE_CALL");
      assert.equal(e.service, "/add");
      assert.equal(e.deviceMessage, "boom: bad input");
      return true;
    });
    assert.equal(actions.pending.calls, 0);
  });

  test("the device's failure texts map to reasons; local checks fail before sending", async () => {
    const { actions, handle, take } = setup();
    handle({ op: "advertiseServices", services: [svc(1, "/s"), svc(2, "/pb", "protobuf")] });
    const table: [string, string, string][] = [
      ["Unknown service", "unknownService", "ERR_SERVICE_CALL"],
      ["Unsupported encoding", "unsupportedEncoding", "ERR_UNSUPPORTED_ENCODING"],
      ["Too many requests", "tooManyRequests", "ERR_TOO_MANY_REQUESTS"],
      ["Server does not support services", "notSupported", "ERR_CAPABILITY"],
      [
        "Internal server error: service failed to send a response",
        "noResponse",
        "ERR_SERVICE_CALL",
      ],
    ];
    for (const [wire, reason, code] of table) {
      const call = actions.callService("/s", "{}");
      const [req] = take() as { callId: number }[];
      handle({ op: "serviceCallFailure", serviceId: 1, callId: req!.callId, message: wire });
      await assert.rejects(call, isReason(reason, code));
    }
    await assert.rejects(
      actions.callService("/nope", "{}"),
      isReason("unknownService", "ERR_SERVICE_CALL"),
    );
    // A declared request encoding must match; without one, the device's supportedEncodings rule.
    await assert.rejects(
      actions.callService("/pb", "{}", { encoding: "json" }),
      isReason("unsupportedEncoding", "ERR_UNSUPPORTED_ENCODING"),
    );
    await assert.rejects(
      actions.callService("/s", "{}", { encoding: "cbor" }),
      isReason("unsupportedEncoding", "ERR_UNSUPPORTED_ENCODING"),
    );
    void actions.callService("/pb", new Uint8Array([1])).catch(() => undefined);
    assert.deepEqual(
      (take() as { encoding: string }[]).map((m) => m.encoding),
      ["protobuf"],
    );
  });

  test("service calls time out, abort, and are bounded to 32 in flight", async () => {
    const { actions, handle, take } = setup();
    handle({ op: "advertiseServices", services: [svc(1, "/slow")] });
    await assert.rejects(
      actions.callService("/slow", "{}", { timeoutMs: 5 }),
      isReason("timeout", "ERR_TIMEOUT"),
    );
    const controller = new AbortController();
    const aborted = actions.callService("/slow", "{}", { signal: controller.signal });
    controller.abort();
    await assert.rejects(aborted, isReason("aborted", "ERR_ABORTED"));
    take();
    const calls = Array.from({ length: 32 }, () => actions.callService("/slow", "{}"));
    await assert.rejects(
      actions.callService("/slow", "{}"),
      isReason("tooManyRequests", "ERR_TOO_MANY_REQUESTS"),
    );
    assert.equal(take().length, 32);
    actions.close();
    for (const call of calls) {
      await assert.rejects(call, isReason("disconnected", "ERR_CHANNEL_CLOSED"));
    }
  });

  test("a parameter request that times out quotes the device's error status sent meanwhile", async () => {
    const { actions, handle, take } = setup();
    handle({ op: "status", level: 2, message: "before the request" });
    const quiet = actions.getParameters(["a"], { timeoutMs: 20 });
    await assert.rejects(quiet, (e: unknown) => {
      assert.ok(isCode("ERR_TIMEOUT")(e));
      assert.doesNotMatch((e as Error).message, /reported/, "an older error is not quoted");
      return true;
    });
    const set = actions.setParameters([{ name: "a", value: 1 }], { timeoutMs: 50 });
    handle({ op: "status", level: 1, message: "a warning", id: "w" });
    handle({ op: "status", level: 2, message: "handler refused a" });
    await assert.rejects(set, (e: unknown) => {
      assert.ok(isCode("ERR_TIMEOUT")(e));
      assert.match((e as Error).message, /device reported an error: handler refused a\)$/);
      return true;
    });
    take();
  });

  test("parameters: get and set are correlated by id; pushes reach matching subscriptions", async () => {
    const { actions, handle, take } = setup();
    const get = actions.getParameters(["speed", "mode"]);
    const set = actions.setParameters([{ name: "speed", type: "float64", value: 2 }]);
    const [g, s] = take() as { op: string; id: string }[];
    assert.equal(g!.op, "getParameters");
    assert.deepEqual((g as unknown as { parameterNames: string[] }).parameterNames, [
      "speed",
      "mode",
    ]);
    assert.equal(s!.op, "setParameters");
    assert.notEqual(g!.id, s!.id);
    handle({
      op: "parameterValues",
      id: s!.id,
      parameters: [{ name: "speed", type: "float64", value: 2 }],
    });
    handle({ op: "parameterValues", id: "unknown", parameters: [] });
    handle({ op: "parameterValues", id: g!.id, parameters: [{ name: "speed", value: 1 }] });
    assert.deepEqual(await get, [{ name: "speed", value: 1 }]);
    assert.deepEqual(await set, [{ name: "speed", type: "float64", value: 2 }]);

    const speed = actions.subscribeParameterUpdates(["speed"]);
    const both = actions.subscribeParameterUpdates(["speed", "mode", "speed"]);
    assert.deepEqual(take(), [
      { op: "subscribeParameterUpdates", parameterNames: ["speed"] },
      { op: "subscribeParameterUpdates", parameterNames: ["mode"] },
    ]);
    handle({
      op: "parameterValues",
      parameters: [
        { name: "mode", value: "auto" },
        { name: "other", value: 1 },
      ],
    });
    handle({ op: "parameterValues", parameters: [{ name: "speed", value: 3 }] });
    assert.deepEqual(await next(both), [{ name: "mode", value: "auto" }]);
    assert.deepEqual(await next(both), [{ name: "speed", value: 3 }]);
    assert.deepEqual(await next(speed), [{ name: "speed", value: 3 }]);
    assert.equal(speed.received, 1);
    both.unsubscribe();
    assert.deepEqual(take(), [{ op: "unsubscribeParameterUpdates", parameterNames: ["mode"] }]);
    speed.unsubscribe();
    assert.deepEqual(take(), [{ op: "unsubscribeParameterUpdates", parameterNames: ["speed"] }]);
    assert.throws(() => actions.subscribeParameterUpdates([]), isCode("ERR_VALUE"));
  });

  test("connection graph: one device subscription, diffs merged, late subscribers get the graph", async () => {
    const { actions, handle, take } = setup();
    const first = actions.subscribeConnectionGraph();
    assert.deepEqual(take(), [{ op: "subscribeConnectionGraph" }]);
    handle({
      op: "connectionGraphUpdate",
      publishedTopics: [{ name: "/a", publisherIds: ["n1"] }],
      subscribedTopics: [],
      advertisedServices: [{ name: "/s", providerIds: ["n1"] }],
      removedTopics: [],
      removedServices: [],
    });
    const g1 = await next(first);
    assert.deepEqual(g1.publishedTopics, { "/a": ["n1"] });
    const second = actions.subscribeConnectionGraph();
    assert.deepEqual(take(), []);
    assert.equal(await next(second), g1);
    handle({
      op: "connectionGraphUpdate",
      publishedTopics: [{ name: "/b", publisherIds: ["n2"] }],
      subscribedTopics: [],
      advertisedServices: [],
      removedTopics: ["/a"],
      removedServices: ["/s"],
    });
    const g2: ConnectionGraph = await next(first);
    assert.deepEqual(g2, {
      publishedTopics: { "/b": ["n2"] },
      subscribedTopics: {},
      advertisedServices: {},
    });
    assert.equal(await next(second), g2);
    assert.equal(actions.connectionGraph, g2);
    first.unsubscribe();
    assert.deepEqual(take(), []);
    second.unsubscribe();
    assert.deepEqual(take(), [{ op: "unsubscribeConnectionGraph" }]);
    assert.equal(actions.connectionGraph, undefined);
  });

  test("assets: bytes on success, the device's error text typed, unknown ids ignored", async () => {
    const { actions, handle, take } = setup();
    const ok = actions.fetchAsset("package://r/a.stl");
    const missing = actions.fetchAsset("package://r/none");
    const busy = actions.fetchAsset("package://r/b");
    const [r1, r2, r3] = take() as { op: string; requestId: number; uri: string }[];
    assert.deepEqual([r1!.op, r1!.uri], ["fetchAsset", "package://r/a.stl"]);
    handle({ op: "fetchAssetResponse", requestId: 999, status: "success", data: bytes("?") });
    handle({
      op: "fetchAssetResponse",
      requestId: r2!.requestId,
      status: "error",
      error: "not found",
    });
    handle({
      op: "fetchAssetResponse",
      requestId: r3!.requestId,
      status: "error",
      error: "Too many concurrent fetch asset requests",
    });
    handle({
      op: "fetchAssetResponse",
      requestId: r1!.requestId,
      status: "success",
      data: bytes("mesh"),
    });
    assert.equal(text(await ok), "mesh");
    await assert.rejects(
      missing,
      (e) => isCode("ERR_ASSET")(e) && /package:\/\/r\/none: not found/.test(String(e)),
    );
    await assert.rejects(busy, isCode("ERR_TOO_MANY_REQUESTS"));
  });

  test("a device reset fails pending requests; the next serverInfo restores channels and subscriptions", async () => {
    const { core, actions, handle, take } = setup();
    handle({ op: "advertiseServices", services: [svc(1, "/s")] });
    const publisher = actions.advertise({ topic: "/cmd", encoding: "json" });
    const params = actions.subscribeParameterUpdates(["a", "b"]);
    const graph = actions.subscribeConnectionGraph();
    handle({
      op: "connectionGraphUpdate",
      publishedTopics: [{ name: "/old", publisherIds: ["x"] }],
      subscribedTopics: [],
      advertisedServices: [],
      removedTopics: [],
      removedServices: [],
    });
    await next(graph);
    const call = actions.callService("/s", "{}");
    const get = actions.getParameters(["a"]);
    const asset = actions.fetchAsset("file:///x");
    take();
    core.reset();
    await assert.rejects(call, isReason("disconnected", "ERR_CHANNEL_CLOSED"));
    await assert.rejects(get, isCode("ERR_CHANNEL_CLOSED"));
    await assert.rejects(asset, isCode("ERR_CHANNEL_CLOSED"));
    assert.throws(() => publisher.publish("{}"), isCode("ERR_CHANNEL_CLOSED")); // no serverInfo yet
    assert.equal(actions.connectionGraph, undefined);
    handle(info());
    assert.deepEqual(take(), [
      {
        op: "advertise",
        channels: [{ id: publisher.id, topic: "/cmd", encoding: "json", schemaName: "" }],
      },
      { op: "subscribeParameterUpdates", parameterNames: ["a", "b"] },
      { op: "subscribeConnectionGraph" },
    ]);
    publisher.publish("{}");
    assert.equal(take().length, 1);
    // The device sends the whole graph again; the old one is not merged into it.
    handle({
      op: "connectionGraphUpdate",
      publishedTopics: [{ name: "/new", publisherIds: ["y"] }],
      subscribedTopics: [],
      advertisedServices: [],
      removedTopics: [],
      removedServices: [],
    });
    assert.deepEqual((await next(graph)).publishedTopics, { "/new": ["y"] });
    assert.ok(params.active);
  });

  test("a new serverInfo without a capability does not restore what it would refuse", () => {
    const { actions, handle, take, core } = setup();
    actions.advertise({ topic: "/cmd", encoding: "json" });
    actions.subscribeConnectionGraph();
    take();
    core.reset();
    handle(info(["connectionGraph"], []));
    assert.deepEqual(take(), [{ op: "subscribeConnectionGraph" }]);
  });

  test("close fails pending requests and ends every handle; later calls throw", async () => {
    const { core, actions, take } = setup();
    const publisher = actions.advertise({ topic: "/cmd", encoding: "json" });
    const params = actions.subscribeParameterUpdates(["a"]);
    const graph = actions.subscribeConnectionGraph();
    const get = actions.getParameters([]);
    take();
    core.close(new FoxgloveError("ERR_CHANNEL_CLOSED", "the device left the room"));
    await assert.rejects(
      get,
      (e) => isCode("ERR_CHANNEL_CLOSED")(e) && /left the room/.test(String(e)),
    );
    assert.equal(publisher.active, false);
    assert.equal(params.active, false);
    assert.equal((await graph[Symbol.asyncIterator]().next()).done, true);
    publisher.unadvertise();
    params.unsubscribe();
    assert.deepEqual(take(), []);
    assert.throws(
      () => actions.advertise({ topic: "/x", encoding: "json" }),
      isCode("ERR_CHANNEL_CLOSED"),
    );
    await assert.rejects(actions.fetchAsset("x"), isCode("ERR_CHANNEL_CLOSED"));
  });
});
