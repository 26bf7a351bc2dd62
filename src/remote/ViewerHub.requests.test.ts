// The hub's viewer-to-device requests (spec session 9.3–9.8) against in-memory connections:
// services, parameters, the connection graph, assets and statuses, with every error path.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Context } from "../core/Context.js";
import { setLogger } from "../core/logger.js";
import type { ServerMessage } from "../protocol/index.js";
import type { ParameterHandler } from "./Parameters.js";
import type { ServiceDefinition, ServiceRequest } from "./Services.js";
import { MemoryConnection } from "./testing/MemoryConnection.js";
import { ViewerHub } from "./ViewerHub.js";
import type { ViewerHubOptions } from "./ViewerHubOptions.js";

setLogger(undefined);

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const jsonSchema = { name: "Req", encoding: "jsonschema", data: bytes("{}") };

/** An open hub with `options`, recording listener events. */
function setup(options: ViewerHubOptions = {}) {
  const events: string[] = [];
  const hub = new ViewerHub({
    context: new Context(),
    listener: {
      onParametersSubscribe: (n) => events.push(`psub ${n.join(",")}`),
      onParametersUnsubscribe: (n) => events.push(`punsub ${n.join(",")}`),
      onConnectionGraphSubscribe: () => events.push("graph sub"),
      onConnectionGraphUnsubscribe: () => events.push("graph unsub"),
    },
    ...options,
  });
  hub.open({ serverName: "robot" });
  const viewer = (name: string) => {
    const v = new MemoryConnection(name);
    assert.equal(hub.connect(v), true);
    v.take(); // serverInfo, advertise, advertiseServices
    return v;
  };
  return { hub, events, viewer };
}

/** A service echoing its request, upper-cased, with its call's encoding. */
const upper: ServiceDefinition = {
  name: "/upper",
  type: "example.Upper",
  request: { encoding: "json", schema: jsonSchema },
  response: { encoding: "json", schema: { ...jsonSchema, name: "Res" } },
  handler: (r) => bytes(text(r.payload).toUpperCase()),
};

const call = (serviceId: number, data: string, callId = 1, encoding = "json") =>
  ({ op: "serviceCallRequest", serviceId, callId, encoding, data: bytes(data) }) as const;

function responseText(m: ServerMessage | undefined): string {
  assert.ok(m?.op === "serviceCallResponse", `expected a response, got ${m?.op}`);
  return `${m.serviceId}/${m.callId} ${m.encoding} ${text(m.data)}`;
}

test("services: advertised on connect (object and legacy forms), added and removed at run time", () => {
  const { hub, viewer } = setup({
    services: [upper],
    supportedEncodings: ["cbor"],
  });
  assert.ok(hub.capabilities.has("services"), "services add the capability");
  assert.deepEqual(hub.options.supportedEncodings, ["cbor", "json"]);
  const fresh = new MemoryConnection("fresh");
  hub.connect(fresh);
  assert.deepEqual(fresh.ops(), ["serverInfo", "advertiseServices"]);
  assert.deepEqual(fresh.ofOp("serverInfo")[0]?.supportedEncodings, ["cbor", "json"]);
  assert.deepEqual(fresh.ofOp("advertiseServices")[0]?.services, [
    {
      id: 1,
      name: "/upper",
      type: "example.Upper",
      request: { encoding: "json", schemaName: "Req", schemaEncoding: "jsonschema", schema: "{}" },
      response: { encoding: "json", schemaName: "Res", schemaEncoding: "jsonschema", schema: "{}" },
    },
  ]);
  const a = viewer("alice");
  hub.addServices([{ name: "/plain", handler: () => new Uint8Array() }]);
  hub.removeServices(["/upper", "/unknown"]);
  hub.removeServices(["/unknown"]);
  assert.deepEqual(a.messages, [
    {
      op: "advertiseServices",
      services: [{ id: 2, name: "/plain", type: "/plain", requestSchema: "", responseSchema: "" }],
    },
    { op: "unadvertiseServices", serviceIds: [1] },
  ]);
  const later = new MemoryConnection("later");
  hub.connect(later);
  assert.deepEqual(
    later.ofOp("advertiseServices")[0]?.services.map((s) => s.name),
    ["/plain"],
  );
});

test("services: configuration errors at start and at run time", () => {
  assert.throws(() => new ViewerHub({ services: [{ name: "/x", handler: () => bytes("") }] }), {
    code: "ERR_MISSING_REQUEST_ENCODING",
  });
  const dup = new ViewerHub({ services: [upper, { ...upper, type: "second" }] });
  const v = new MemoryConnection("v");
  dup.open({ serverName: "d" });
  dup.connect(v);
  assert.deepEqual(
    v.ofOp("advertiseServices")[0]?.services.map((s) => s.type),
    ["second"],
    "at start a repeated name: the last definition wins",
  );
  const none = new ViewerHub({ supportedEncodings: ["json"] });
  assert.throws(() => none.addServices([upper]), { code: "ERR_SERVICES_NOT_SUPPORTED" });
  const hub = new ViewerHub({ capabilities: ["services"] });
  assert.throws(() => hub.addServices([{ name: "/x", handler: () => bytes("") }]), {
    code: "ERR_MISSING_REQUEST_ENCODING",
  });
  hub.addServices([upper]);
  assert.throws(() => hub.addServices([upper]), { code: "ERR_DUPLICATE_SERVICE" });
  const twice = { ...upper, name: "/twice" };
  assert.throws(() => hub.addServices([twice, twice]), { code: "ERR_DUPLICATE_SERVICE" });
  assert.throws(
    () =>
      hub.addServices([
        {
          ...upper,
          name: "/bad",
          request: { encoding: "json", schema: { ...jsonSchema, data: new Uint8Array([0xff]) } },
        },
      ]),
    { code: "ERR_VALUE" },
  );
  hub.addServices([]);
});

test("service calls: response encodings, unknown service, unsupported encoding, handler errors", async () => {
  const { hub, viewer } = setup({
    supportedEncodings: ["json"],
    services: [
      upper,
      { name: "/any", handler: (r) => r.payload },
      { name: "/cbor", handler: () => ({ data: bytes("c"), encoding: "cbor" }) },
      {
        name: "/fail",
        handler: () => {
          throw new Error("motor offline");
        },
      },
      { name: "/reject", handler: () => Promise.reject(new Error("busy, try later")) },
      { name: "/nothing", handler: () => undefined as unknown as Uint8Array },
    ],
  });
  const a = viewer("alice");
  hub.handleMessage(a, call(1, "hi", 10));
  hub.handleMessage(a, call(2, "x", 11));
  hub.handleMessage(a, call(3, "", 12));
  hub.handleMessage(a, call(99, "", 13));
  hub.handleMessage(a, call(1, "", 14, "cbor"));
  hub.handleMessage(a, call(2, "", 15, "cbor"));
  hub.handleMessage(a, call(4, "", 16));
  hub.handleMessage(a, call(5, "", 17));
  hub.handleMessage(a, call(6, "", 18));
  await hub.settled();
  const byCall = new Map(
    a.messages.map((m) => [
      m.op === "serviceCallResponse" || m.op === "serviceCallFailure" ? m.callId : -1,
      m,
    ]),
  );
  assert.equal(responseText(byCall.get(10)), "1/10 json HI");
  assert.equal(responseText(byCall.get(11)), "2/11 json x", "default: the request's encoding");
  assert.equal(responseText(byCall.get(12)), "3/12 cbor c", "the handler's encoding wins");
  const failure = (serviceId: number, callId: number, message: string) => ({
    op: "serviceCallFailure",
    serviceId,
    callId,
    message,
  });
  assert.deepEqual(byCall.get(13), failure(99, 13, "Unknown service"));
  assert.deepEqual(byCall.get(14), failure(1, 14, "Unsupported encoding"));
  assert.deepEqual(byCall.get(15), failure(2, 15, "Unsupported encoding"));
  assert.deepEqual(byCall.get(16), failure(4, 16, "motor offline"));
  assert.deepEqual(byCall.get(17), failure(5, 17, "busy, try later"));
  assert.deepEqual(
    byCall.get(18),
    failure(6, 18, "Internal server error: service handler returned no bytes"),
  );
  assert.equal(a.messages.length, 9, "exactly one answer per call");
});

test("service calls: concurrent calls from two viewers are answered to their callers", async () => {
  const pending: { request: ServiceRequest; resolve: (b: Uint8Array) => void }[] = [];
  const { hub, viewer } = setup({
    services: [
      {
        ...upper,
        handler: (request) =>
          new Promise<Uint8Array>((resolve) => pending.push({ request, resolve })),
      },
    ],
  });
  const a = viewer("alice");
  const b = viewer("bob");
  hub.handleMessage(a, call(1, "from a", 1));
  hub.handleMessage(b, call(1, "from b", 1));
  hub.handleMessage(a, call(1, "again a", 2));
  assert.deepEqual(
    pending.map((p) => `${p.request.client.identity} ${p.request.callId}`),
    ["alice 1", "bob 1", "alice 2"],
  );
  for (const p of pending.reverse()) {
    p.resolve(bytes(text(p.request.payload).toUpperCase()));
  }
  await hub.settled();
  assert.deepEqual(a.messages.map(responseText), ["1/2 json AGAIN A", "1/1 json FROM A"]);
  assert.deepEqual(b.messages.map(responseText), ["1/1 json FROM B"]);
});

test("service calls: a handler that never answers fails after the timeout and frees its slot", async () => {
  const signals: AbortSignal[] = [];
  const { hub, viewer } = setup({
    requestTimeoutMs: 20,
    maxRequestsInFlight: 1,
    services: [
      {
        ...upper,
        handler: ({ signal }) => {
          signals.push(signal);
          return new Promise<Uint8Array>(() => undefined);
        },
      },
    ],
  });
  const a = viewer("alice");
  hub.handleMessage(a, call(1, "", 1));
  hub.handleMessage(a, call(1, "", 2));
  assert.deepEqual(a.take(), [
    { op: "serviceCallFailure", serviceId: 1, callId: 2, message: "Too many requests" },
  ]);
  await hub.settled();
  assert.deepEqual(a.take(), [
    {
      op: "serviceCallFailure",
      serviceId: 1,
      callId: 1,
      message: "Service /upper did not respond within 0.02 s",
    },
  ]);
  assert.equal(signals[0]?.aborted, true, "the handler is told to stop");
  hub.handleMessage(a, call(1, "", 3));
  assert.deepEqual(a.messages, [], "the slot is free again: the call runs");
  assert.equal(signals.length, 2);
});

test("service calls: a viewer that leaves mid-call gets nothing, its handler is aborted", async () => {
  let resolve!: (b: Uint8Array) => void;
  let signal!: AbortSignal;
  const { hub, viewer } = setup({
    services: [
      {
        ...upper,
        handler: (r) => {
          signal = r.signal;
          return new Promise<Uint8Array>((r2) => (resolve = r2));
        },
      },
    ],
  });
  const a = viewer("alice");
  hub.handleMessage(a, call(1, "", 1));
  hub.disconnect(a);
  assert.equal(signal.aborted, true);
  resolve(bytes("late"));
  await hub.settled();
  assert.deepEqual(a.messages, []);
});

test("the per-viewer limit is per viewer: another viewer's calls still run", async () => {
  const { hub, viewer } = setup({
    maxRequestsInFlight: 1,
    services: [{ ...upper, handler: () => new Promise<Uint8Array>(() => undefined) }],
  });
  const a = viewer("alice");
  const b = viewer("bob");
  hub.handleMessage(a, call(1, "", 1));
  hub.handleMessage(a, call(1, "", 2));
  hub.handleMessage(b, call(1, "", 1));
  assert.equal(a.ofOp("serviceCallFailure").length, 1);
  assert.deepEqual(b.messages, []);
  a.leave(); // the transport ends the connection: its calls end too
  b.leave();
  await hub.settled();
});

/** A parameter handler over a map, recording its calls. */
function mapHandler(values: Map<string, number>, calls: string[]): ParameterHandler {
  return {
    getParameters: (names, { client, requestId }) => {
      calls.push(`get ${client.identity} ${names.join(",")} ${requestId}`);
      const wanted = names.length === 0 ? [...values.keys()] : names;
      return wanted.map((name) => ({ name, value: values.get(name) }));
    },
    setParameters: async (parameters, { requestId }) => {
      calls.push(
        `set ${parameters.map((p) => `${p.name}=${JSON.stringify(p.value)}`).join(",")} ${requestId}`,
      );
      await Promise.resolve();
      for (const p of parameters) {
        if (typeof p.value === "number") values.set(p.name, p.value);
      }
      return parameters.map((p) => ({ name: p.name, value: values.get(p.name) }));
    },
  };
}

test("parameters with a handler: get, set with and without an ID, publish to subscribers", async () => {
  const calls: string[] = [];
  const values = new Map([
    ["speed", 1],
    ["gain", 2],
  ]);
  const { hub, viewer, events } = setup({ parameterHandler: mapHandler(values, calls) });
  assert.ok(hub.capabilities.has("parameters") && hub.capabilities.has("parametersSubscribe"));
  const a = viewer("alice");
  const b = viewer("bob");
  hub.handleMessage(b, { op: "subscribeParameterUpdates", parameterNames: ["speed"] });
  hub.handleMessage(a, { op: "getParameters", parameterNames: ["speed", "missing"], id: "g1" });
  hub.handleMessage(a, { op: "getParameters", parameterNames: [] });
  hub.handleMessage(a, {
    op: "setParameters",
    parameters: [{ name: "speed", value: 5 }],
    id: "s1",
  });
  hub.handleMessage(a, { op: "setParameters", parameters: [{ name: "gain", value: 3 }] });
  await hub.settled();
  assert.deepEqual(a.messages, [
    { op: "parameterValues", parameters: [{ name: "speed", value: 1 }], id: "g1" },
    {
      op: "parameterValues",
      parameters: [
        { name: "speed", value: 1 },
        { name: "gain", value: 2 },
      ],
    },
    { op: "parameterValues", parameters: [{ name: "speed", value: 5 }], id: "s1" },
  ]);
  assert.deepEqual(b.messages, [], "a handler's set does not notify other viewers by itself");
  hub.publishParameterValues([
    { name: "speed", value: 5 },
    { name: "gain", value: 3 },
    { name: "unset" },
  ]);
  assert.deepEqual(b.messages, [
    { op: "parameterValues", parameters: [{ name: "speed", value: 5 }] },
  ]);
  assert.equal(a.messages.length, 3, "viewers without subscriptions get nothing");
  assert.deepEqual(calls, [
    "get alice speed,missing g1",
    "get alice  undefined",
    "set speed=5 s1",
    "set gain=3 undefined",
  ]);
  assert.deepEqual(events, ["psub speed"]);
});

test("parameters: handler errors, timeouts and too many requests are error statuses", async () => {
  const { hub, viewer } = setup({
    requestTimeoutMs: 20,
    maxRequestsInFlight: 2,
    parameterHandler: {
      getParameters: (names) => {
        if (names[0] === "boom") throw new Error("parameter store unavailable");
        return new Promise(() => undefined);
      },
      setParameters: () => Promise.reject(new Error("read-only parameter")),
    },
  });
  const a = viewer("alice");
  hub.handleMessage(a, { op: "getParameters", parameterNames: ["boom"], id: "1" });
  hub.handleMessage(a, { op: "getParameters", parameterNames: ["hang"], id: "2" });
  hub.handleMessage(a, { op: "setParameters", parameters: [{ name: "x", value: 1 }], id: "3" });
  hub.handleMessage(a, { op: "getParameters", parameterNames: ["hang"], id: "4" });
  await hub.settled();
  assert.deepEqual(
    a.messages.map((m) => (m.op === "status" ? `${m.level} ${m.message}` : m.op)),
    [
      "2 parameter store unavailable",
      "2 Too many concurrent parameter requests",
      "2 read-only parameter",
      "2 Parameter handler did not respond within 0.02 s",
    ],
  );
});

test("parameters without a handler: a store answering gets; sets reach every subscriber", () => {
  const { hub, viewer } = setup({ capabilities: ["parameters"] });
  const a = viewer("alice");
  const b = viewer("bob");
  hub.publishParameterValues([{ name: "mode", value: "auto" }]);
  hub.handleMessage(b, { op: "subscribeParameterUpdates", parameterNames: ["limit", "mode"] });
  hub.handleMessage(a, {
    op: "setParameters",
    parameters: [{ name: "limit", value: 10 }, { name: "mode" }],
    id: "s",
  });
  hub.handleMessage(a, { op: "getParameters", parameterNames: [], id: "all" });
  hub.handleMessage(a, { op: "getParameters", parameterNames: ["mode", "limit"] });
  assert.deepEqual(a.messages, [
    { op: "parameterValues", parameters: [{ name: "limit", value: 10 }], id: "s" },
    { op: "parameterValues", parameters: [{ name: "limit", value: 10 }], id: "all" },
    { op: "parameterValues", parameters: [{ name: "limit", value: 10 }] },
  ]);
  assert.deepEqual(b.messages, [
    { op: "parameterValues", parameters: [{ name: "limit", value: 10 }] },
  ]);
});

test("publishParameterValues without the parameters capability sends nothing", () => {
  const { hub, viewer } = setup({ capabilities: ["clientPublish"] });
  const a = viewer("alice");
  hub.publishParameterValues([{ name: "x", value: 1 }]);
  assert.deepEqual(a.messages, []);
});

test("connection graph: full graph on subscribe, diffs after, callbacks on first and last", () => {
  const { hub, viewer, events } = setup({ capabilities: ["connectionGraph"] });
  hub.close();
  hub.publishConnectionGraph({
    publishedTopics: { "/odom": ["base"] },
    advertisedServices: { "/reset": ["base"] },
  }); // kept while no transport is open
  hub.open({ serverName: "again" });
  const a = viewer("alice");
  const b = viewer("bob");
  hub.handleMessage(a, { op: "subscribeConnectionGraph" });
  hub.handleMessage(a, { op: "subscribeConnectionGraph" });
  hub.handleMessage(b, { op: "subscribeConnectionGraph" });
  const full = {
    op: "connectionGraphUpdate",
    publishedTopics: [{ name: "/odom", publisherIds: ["base"] }],
    subscribedTopics: [],
    advertisedServices: [{ name: "/reset", providerIds: ["base"] }],
    removedTopics: [],
    removedServices: [],
  };
  assert.deepEqual(a.take(), [full], "subscribing twice sends nothing again");
  assert.deepEqual(b.take(), [full]);
  hub.handleMessage(b, { op: "unsubscribeConnectionGraph" });
  hub.handleMessage(b, { op: "unsubscribeConnectionGraph" });
  hub.publishConnectionGraph({
    publishedTopics: { "/odom": ["base"], "/scan": ["lidar"] },
    subscribedTopics: { "/cmd_vel": ["base"] },
  });
  hub.publishConnectionGraph({
    publishedTopics: { "/odom": ["base"], "/scan": ["lidar"] },
    subscribedTopics: { "/cmd_vel": ["base"] },
  }); // unchanged: nothing to send
  assert.deepEqual(a.messages, [
    {
      op: "connectionGraphUpdate",
      publishedTopics: [{ name: "/scan", publisherIds: ["lidar"] }],
      subscribedTopics: [{ name: "/cmd_vel", subscriberIds: ["base"] }],
      advertisedServices: [],
      removedTopics: [],
      removedServices: ["/reset"],
    },
  ]);
  assert.deepEqual(b.messages, []);
  hub.disconnect(a);
  assert.deepEqual(events, ["graph sub", "graph unsub"]);
  const empty = setup({ capabilities: ["connectionGraph"] });
  const c = empty.viewer("carol");
  empty.hub.handleMessage(c, { op: "subscribeConnectionGraph" });
  assert.deepEqual(c.messages, [
    {
      op: "connectionGraphUpdate",
      publishedTopics: [],
      subscribedTopics: [],
      advertisedServices: [],
      removedTopics: [],
      removedServices: [],
    },
  ]);
  empty.hub.close();
  assert.deepEqual(empty.events, ["graph sub", "graph unsub"], "closing unsubscribes everyone");
  assert.throws(() => new ViewerHub().publishConnectionGraph({}), {
    code: "ERR_CONNECTION_GRAPH_NOT_SUPPORTED",
  });
});

test("assets: bytes, a missing asset, too many fetches, a handler that never answers", async () => {
  const { hub, viewer } = setup({
    requestTimeoutMs: 20,
    maxRequestsInFlight: 2,
    assetHandler: (uri) => {
      if (uri === "package://robot/hang") return new Promise(() => undefined);
      if (uri !== "package://robot/base.stl") throw new Error(`Asset not found: ${uri}`);
      return bytes("solid base");
    },
  });
  assert.ok(hub.capabilities.has("assets"));
  const a = viewer("alice");
  hub.handleMessage(a, { op: "fetchAsset", requestId: 1, uri: "package://robot/base.stl" });
  hub.handleMessage(a, { op: "fetchAsset", requestId: 2, uri: "package://robot/none.stl" });
  hub.handleMessage(a, { op: "fetchAsset", requestId: 3, uri: "package://robot/hang" });
  hub.handleMessage(a, { op: "fetchAsset", requestId: 4, uri: "package://robot/hang" });
  hub.handleMessage(a, { op: "fetchAsset", requestId: 5, uri: "package://robot/hang" });
  await hub.settled();
  assert.deepEqual(a.messages, [
    { op: "fetchAssetResponse", requestId: 1, status: "success", data: bytes("solid base") },
    {
      op: "fetchAssetResponse",
      requestId: 2,
      status: "error",
      error: "Asset not found: package://robot/none.stl",
    },
    {
      op: "fetchAssetResponse",
      requestId: 5,
      status: "error",
      error: "Too many concurrent fetch asset requests",
    },
    {
      op: "fetchAssetResponse",
      requestId: 3,
      status: "error",
      error: "Asset handler did not respond within 0.02 s",
    },
    {
      op: "fetchAssetResponse",
      requestId: 4,
      status: "error",
      error: "Asset handler did not respond within 0.02 s",
    },
  ]);
  assert.throws(() => new ViewerHub({ capabilities: ["assets"] }), {
    code: "ERR_CONFIGURATION",
  });
});

test("statuses: broadcast to connected viewers only; a client's status after it left is dropped", () => {
  const statusClients: { sendStatus: (s: { level: "warning"; message: string }) => void }[] = [];
  const { hub, viewer } = setup({
    capabilities: ["clientPublish"],
    listener: { onClientAdvertise: (client) => statusClients.push(client) },
  });
  hub.publishStatus({ level: "info", message: "nobody hears this" });
  const a = viewer("alice");
  hub.publishStatus({ level: "error", message: "battery low", id: "bat" });
  hub.removeStatus(["bat"]);
  hub.removeStatus([]);
  hub.handleMessage(a, {
    op: "advertise",
    channels: [{ id: 1, topic: "/cmd", encoding: "json", schemaName: "" }],
  });
  statusClients[0]?.sendStatus({ level: "warning", message: "slow down" });
  hub.disconnect(a);
  statusClients[0]?.sendStatus({ level: "warning", message: "gone" });
  assert.deepEqual(a.messages, [
    { op: "status", level: 2, message: "battery low", id: "bat" },
    { op: "removeStatus", statusIds: ["bat"] },
    { op: "status", level: 1, message: "slow down" },
  ]);
  const b = viewer("bob");
  assert.deepEqual(b.messages, [], "statuses are not replayed to later viewers");
});

test("invalid request limits and encoder counts are configuration errors", () => {
  assert.throws(() => new ViewerHub({ requestTimeoutMs: 0 }), { code: "ERR_CONFIGURATION" });
  assert.throws(() => new ViewerHub({ maxRequestsInFlight: 1.5 }), { code: "ERR_CONFIGURATION" });
  assert.throws(() => new ViewerHub({ pointCloudEncoders: 0 }), { code: "ERR_CONFIGURATION" });
});

test("a graph published from onConnectionGraphSubscribe follows the full graph as a diff", () => {
  const ref: { hub?: ViewerHub } = {};
  const { viewer, hub } = setup({
    capabilities: ["connectionGraph"],
    listener: {
      onConnectionGraphSubscribe: () =>
        ref.hub?.publishConnectionGraph({ publishedTopics: { "/fresh": ["device"] } }),
    },
  });
  ref.hub = hub;
  const a = viewer("alice");
  hub.handleMessage(a, { op: "subscribeConnectionGraph" });
  assert.deepEqual(
    a.ofOp("connectionGraphUpdate").map((m) => m.publishedTopics),
    [[], [{ name: "/fresh", publisherIds: ["device"] }]],
  );
});
